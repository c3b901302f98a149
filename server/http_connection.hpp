// How dateline-serve reads its connections: deadlines on headers and bodies, header limits, connection caps, and
// pipelined requests kept, over cpp-httplib's request parsing and routing.
#pragma once

#include "http_config.hpp"

#include <httplib.h>

#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace dateline::server {

/// An httplib::Server whose connections are read by dateline's own keep-alive loop. httplib 0.11 gives each request
/// of a connection a fresh stream (so bytes of pipelined requests read ahead are dropped), times out each read
/// separately (a client dripping a byte a second never times out), and counts neither headers nor connections.
class GuardedServer : public httplib::Server {
public:
    /// `workers`: the threads that run connections; the per-client cap defaults to half of them.
    GuardedServer(const ConnectionLimits& limits, unsigned workers);
    ~GuardedServer() override;

    /// Called by a handler that answers without reading the request body: the connection closes after the
    /// response, since what follows on it is not a request.
    static void close_after_response();

    /// The status that describes why the request on this thread could not be read (408 headers too slow, 431
    /// too many or too large headers), or 0: httplib reports all of them as 400.
    static int unread_request_status();

    /// Serves an already-connected socket on the calling thread (see HttpServer::serve_connection).
    bool serve_socket(socket_t sock) { return process_and_close_socket(sock); }

protected:
    bool process_and_close_socket(socket_t sock) override;

private:
    class Queue;
    /// Whether a new connection of `client` gets a worker: refused only when the client already has
    /// max_connections_per_client connections whose request line and headers are still arriving, and no other
    /// worker is free.
    bool admit(const std::string& client);
    /// Counts a connection of `client` as waiting for a request (+1) or no longer (-1).
    void count_waiting(const std::string& client, int delta);

    ConnectionLimits m_limits;
    unsigned m_workers;
    std::size_t m_per_client;
    /// Connections in the workers.
    std::atomic<unsigned> m_busy{0};
    /// Connections accepted and not yet closed, waiting for a worker or in one.
    std::atomic<std::size_t> m_open{0};
    std::mutex m_mutex;
    /// Per client address, its connections that have sent part of a request's line and headers.
    std::map<std::string, std::size_t> m_waiting;
};

}  // namespace dateline::server
