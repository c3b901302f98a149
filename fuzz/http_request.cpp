// Fuzz target: the bytes a client sends on one connection to dateline-serve (request lines, headers, bodies of
// any transfer encoding, pipelined requests), read and answered by the server's own connection loop, routes and
// handlers over the sample index with the write routes on, through a socketpair instead of TCP. A 500 answer
// is a finding: bad requests get 4xx.
#include "fuzz_support.hpp"

#include "server/http_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace {

/// The token the write routes accept (the seeds use it).
constexpr const char* k_token = "fuzz-write-token-0123456789";

dateline::server::HttpServer& server() {
    static dateline::server::HttpServer* s = [] {
        dateline::server::ServerConfig config;
        config.databases = {dateline::fuzz::sample_index()};
        config.web_root = DATELINE_WEB_ROOT;
        config.write_token = k_token;
        config.port = 0;
        config.access_log = false;
        config.cache_entries = 64;
        // Never destroyed: libFuzzer may exit from any thread while the server is in use.
        auto* created = new dateline::server::HttpServer(config);
        created->bind();
        return created;
    }();
    return *s;
}

/// Where the first response with status 500 starts among the responses of one connection, or npos. Responses
/// are walked by their Content-Length (a body may quote anything the request held); the walk stops at what it
/// cannot read as a response (the body-less answer to HEAD, a response without a length).
std::size_t first_server_error(const std::string& responses) {
    static constexpr std::string_view length_header = "content-length:";
    std::size_t at = 0;
    while (at <= responses.size() && responses.compare(at, 9, "HTTP/1.1 ") == 0) {
        if (responses.compare(at + 9, 3, "500") == 0) return at;
        const std::size_t head_end = responses.find("\r\n\r\n", at);
        if (head_end == std::string::npos) break;
        std::size_t length = std::string::npos;
        for (std::size_t line = responses.find("\r\n", at) + 2; line < head_end; line = responses.find("\r\n", line) + 2) {
            bool match = true;
            for (std::size_t i = 0; i < length_header.size() && match; ++i) {
                match = line + i < head_end && std::tolower(static_cast<unsigned char>(responses[line + i])) == length_header[i];
            }
            if (match) length = std::strtoull(responses.c_str() + line + length_header.size(), nullptr, 10);
        }
        if (length == std::string::npos) break;
        at = head_end + 4 + length;
    }
    return std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    static_cast<void>(server());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
        std::perror("socketpair");
        std::abort();
    }
    const int client = ends[0];
    std::string response;
    // The client sends everything, says it is done, and reads the answers while the server runs on this thread.
    std::thread peer([&] {
        for (std::size_t sent = 0; sent < size;) {
            const ssize_t n = ::send(client, data + sent, size - sent, MSG_NOSIGNAL);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        ::shutdown(client, SHUT_WR);
        char buffer[16384];
        for (ssize_t n; (n = ::recv(client, buffer, sizeof buffer, 0)) > 0;) response.append(buffer, static_cast<std::size_t>(n));
    });
    server().serve_connection(ends[1]);
    peer.join();
    ::close(client);
    if (const std::size_t at = first_server_error(response); at != std::string::npos) {
        std::fprintf(stderr, "the server answered 500:\n%.*s\n", static_cast<int>(std::min<std::size_t>(response.size() - at, 2000)),
                     response.c_str() + at);
        std::abort();
    }
    return 0;
}
