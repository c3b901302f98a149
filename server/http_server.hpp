// The HTTP server of dateline-serve: JSON API, write routes, server-rendered pages and static files.
#pragma once

#include "http_config.hpp"

#include <memory>
#include <string_view>

namespace dateline::server {

/// Serves one index over HTTP with a pool of worker threads (cpp-httplib), each with its own database
/// handle. Routes and response shapes are documented in docs/API.md.
class HttpServer {
  public:
    /// Opens the index once to check it. Throws common::EnvironmentError (index cannot be opened) or
    /// common::UsageError (inconsistent configuration).
    explicit HttpServer(ServerConfig config);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds the listening socket and returns its port (the chosen one when the configured port is 0).
    /// Throws common::EnvironmentError if the address cannot be bound.
    int bind();
    /// Serves until stop(); returns once the requests in progress have been answered.
    void serve();
    /// Serves one already-connected socket (an end of a socketpair: the fuzzer, tests) on the calling thread:
    /// its requests are read and answered as a worker would, then it is closed. Needs bind(); serve() need not run.
    void serve_connection(int socket);
    /// Stops accepting connections and ends serve(). Safe to call from another thread.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Compares a presented secret with the expected one in time that depends only on the expected one's
/// length, so that response timing does not reveal how many leading characters were right.
bool constant_time_equals(std::string_view presented, std::string_view expected) noexcept;

}  // namespace dateline::server
