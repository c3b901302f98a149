// dateline-serve's keep-alive loop: one buffered stream per connection, deadlines, header limits, connection caps.
#include "http_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <functional>

namespace dateline::server {

namespace {

using Clock = std::chrono::steady_clock;

/// Set by the queue for the connection this thread is about to run: it came beyond max_connections.
thread_local bool t_over_capacity = false;
/// Set by a handler that leaves the request body unread.
thread_local bool t_close_after = false;
/// Why the current request could not be read (see GuardedServer::unread_request_status).
thread_local int t_unread_status = 0;

/// Milliseconds from now to `deadline`, at least 0, for poll().
int ms_until(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 24 * 3600 * 1000));
}

/// True when `sock` has `events` before `deadline`.
bool wait_for(int sock, short events, Clock::time_point deadline) {
    pollfd p{sock, events, 0};
    for (;;) {
        const int n = ::poll(&p, 1, ms_until(deadline));
        if (n > 0) return true;
        if (n == 0 || errno != EINTR) return false;
    }
}

/// The address and port of `sock`'s peer (`remote`) or its own.
void socket_endpoint(int sock, bool remote, std::string& ip, int& port) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if ((remote ? ::getpeername : ::getsockname)(sock, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
        ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
        port = ntohs(a->sin_port);
    } else if (addr.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
        ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
        port = ntohs(a->sin6_port);
    }
    ip = text;
}

/// Answers a connection that is not served, then closes it. The response is small enough for the socket buffer.
void refuse(int sock, const char* reason) {
    const std::string body = std::string(R"({"error":{"status":503,"message":")") + reason + "\"}}\n";
    const std::string response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 1\r\n"
                                 "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    [[maybe_unused]] const ssize_t sent = ::send(sock, response.data(), response.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

/// The connection's one stream: its read buffer lives as long as the connection, so the bytes of the next
/// (pipelined) request read along with this one stay for it. Reads wait at most until the deadline of the
/// part of the request being read, not a fixed time per read.
class ConnectionStream final : public httplib::Stream {
public:
    /// `on_waiting(true)` from a request's first byte until its line and headers are in (or the connection ends),
    /// `on_waiting(false)` then. A connection that has sent nothing does not count: a client's new connection
    /// often gets a worker before its request arrives; the keep-alive timeout closes it if nothing comes.
    ConnectionStream(int sock, const ConnectionLimits& limits, std::chrono::milliseconds write_timeout, std::function<void(bool)> on_waiting)
        : m_sock(sock), m_limits(limits), m_write_timeout(write_timeout), m_on_waiting(std::move(on_waiting)) {}

    ~ConnectionStream() override { set_waiting(false); }

    ConnectionStream(const ConnectionStream&) = delete;
    ConnectionStream& operator=(const ConnectionStream&) = delete;

    /// Waits up to `idle` for the next request's first byte; false when none came.
    bool wait_next_request(std::chrono::milliseconds idle) {
        return m_pos < m_end || wait_for(m_sock, POLLIN, Clock::now() + idle);
    }

    /// Starts reading a request: its line and headers are due within header_timeout.
    void start_request() {
        m_in_head = true;
        m_head_bytes = 0;
        m_head_lines = 0;
        m_line_bytes = 0;
        m_deadline = Clock::now() + m_limits.header_timeout;
    }

    bool is_readable() const override { return m_pos < m_end || wait_for(m_sock, POLLIN, m_deadline); }

    bool is_writable() const override { return wait_for(m_sock, POLLOUT, Clock::now() + m_write_timeout); }

    ssize_t read(char* ptr, size_t size) override {
        if (m_pos == m_end) {
            if (!wait_for(m_sock, POLLIN, m_deadline)) {
                if (m_in_head) t_unread_status = 408;
                return -1;
            }
            ssize_t n;
            do {
                n = ::recv(m_sock, m_buffer.data(), m_buffer.size(), 0);
            } while (n < 0 && errno == EINTR);
            if (n <= 0) return n;
            m_pos = 0;
            m_end = static_cast<std::size_t>(n);
        }
        std::size_t n = std::min(size, m_end - m_pos);
        if (m_in_head) n = scan_head(n);
        if (n == 0) return -1;
        std::copy_n(m_buffer.data() + m_pos, n, ptr);
        m_pos += n;
        return static_cast<ssize_t>(n);
    }

    ssize_t write(const char* ptr, size_t size) override {
        if (!is_writable()) return -1;
        ssize_t n;
        do {
            n = ::send(m_sock, ptr, size, MSG_NOSIGNAL);
        } while (n < 0 && errno == EINTR);
        return n;
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override { socket_endpoint(m_sock, true, ip, port); }

    void get_local_ip_and_port(std::string& ip, int& port) const override { socket_endpoint(m_sock, false, ip, port); }

    socket_t socket() const override { return m_sock; }

private:
    /// Counts the request line and headers among the next `n` buffered bytes; returns how many of them may be
    /// handed out: up to the end of the headers (the rest is body, due by body_timeout), 0 past a limit.
    std::size_t scan_head(std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            const char c = m_buffer[m_pos + i];
            if (m_head_bytes == 0) set_waiting(true);
            if (++m_head_bytes > m_limits.max_header_bytes) {
                t_unread_status = 431;
                return 0;
            }
            if (c == '\n') {
                if (m_line_bytes == 0) {
                    m_in_head = false;
                    set_waiting(false);
                    m_deadline = Clock::now() + m_limits.body_timeout;
                    return i + 1;
                }
                // The request line and the header lines.
                if (++m_head_lines > m_limits.max_headers + 1) {
                    t_unread_status = 431;
                    return 0;
                }
                m_line_bytes = 0;
            } else if (c != '\r') {
                ++m_line_bytes;
            }
        }
        return n;
    }

    void set_waiting(bool waiting) {
        if (waiting != m_waiting) m_on_waiting(waiting);
        m_waiting = waiting;
    }

    int m_sock;
    const ConnectionLimits& m_limits;
    std::chrono::milliseconds m_write_timeout;
    std::function<void(bool)> m_on_waiting;
    bool m_waiting = false;
    std::array<char, 16 * 1024> m_buffer{};
    std::size_t m_pos = 0;
    std::size_t m_end = 0;
    Clock::time_point m_deadline = Clock::now();
    bool m_in_head = false;
    std::size_t m_head_bytes = 0;
    std::size_t m_head_lines = 0;
    std::size_t m_line_bytes = 0;
};

}  // namespace

/// The workers, and the count of open connections: a connection accepted beyond max_connections is still run by
/// a worker, but only to be refused at once.
class GuardedServer::Queue final : public httplib::TaskQueue {
public:
    Queue(GuardedServer& server, unsigned workers) : m_server(server), m_pool(workers) {}

    void enqueue(std::function<void()> fn) override {
        const bool over = ++m_server.m_open > m_server.m_limits.max_connections;
        m_pool.enqueue([this, over, fn = std::move(fn)] {
            t_over_capacity = over;
            fn();
            --m_server.m_open;
        });
    }

    void shutdown() override { m_pool.shutdown(); }

private:
    GuardedServer& m_server;
    httplib::ThreadPool m_pool;
};

GuardedServer::GuardedServer(const ConnectionLimits& limits, unsigned workers)
    : m_limits(limits), m_workers(workers), m_per_client(limits.max_connections_per_client.value_or(std::max(1u, workers / 2))) {
    new_task_queue = [this, workers] { return new Queue(*this, workers); };
}

GuardedServer::~GuardedServer() = default;

void GuardedServer::close_after_response() { t_close_after = true; }

int GuardedServer::unread_request_status() { return t_unread_status; }

bool GuardedServer::admit(const std::string& client) {
    const std::lock_guard lock(m_mutex);
    const auto it = m_waiting.find(client);
    // A client over its share still gets a worker while another stays free: a burst of requests on an idle
    // server is served, but slow connections never take the last worker.
    return m_per_client == 0 || it == m_waiting.end() || it->second < m_per_client || m_busy < m_workers;
}

void GuardedServer::count_waiting(const std::string& client, int delta) {
    const std::lock_guard lock(m_mutex);
    std::size_t& count = m_waiting[client];
    count = delta > 0 ? count + 1 : count - 1;
    if (count == 0) m_waiting.erase(client);
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
    ++m_busy;
    bool ok = false;
    std::string client;
    int port = 0;
    socket_endpoint(sock, true, client, port);
    if (t_over_capacity) {
        refuse(sock, "too many connections; try again later");
    } else if (!admit(client)) {
        refuse(sock, "too many connections from this address; try again later");
    } else {
        const auto write_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::seconds(write_timeout_sec_) +
                                                                                         std::chrono::microseconds(write_timeout_usec_));
        ConnectionStream stream(sock, m_limits, write_timeout, [this, &client](bool waiting) { count_waiting(client, waiting ? 1 : -1); });
        for (std::size_t count = keep_alive_max_count_; count > 0 && svr_sock_ != INVALID_SOCKET; --count) {
            if (!stream.wait_next_request(std::chrono::seconds(keep_alive_timeout_sec_))) break;
            stream.start_request();
            t_close_after = false;
            t_unread_status = 0;
            bool closed = false;
            ok = process_request(stream, count == 1, closed, nullptr);
            if (!ok || closed || t_close_after || t_unread_status != 0) break;
        }
    }
    --m_busy;
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
}

}  // namespace dateline::server
