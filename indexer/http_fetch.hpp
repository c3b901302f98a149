// HTTP GET with libcurl for the crawler: one request at a time per client (no redirect following: the crawler
// judges each hop), conditional headers, a size cap that aborts the transfer, and the address check that
// refuses private, loopback and link-local addresses after name resolution.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dateline::indexer {

/// Settings of an HttpClient.
struct HttpOptions {
    /// The User-Agent header ("dateline/1.0 (+https://example.org/contact)").
    std::string user_agent;
    /// Whole-request and connection timeouts, in seconds.
    double timeout_seconds = 30.0;
    double connect_timeout_seconds = 10.0;
    /// Connect to private, loopback and link-local addresses too.
    bool allow_private = false;
    /// libcurl CURLOPT_RESOLVE entries ("host:port:address"): pins a name to an address (tests, split DNS).
    std::vector<std::string> resolve;
};

/// How a request ended when it got no usable answer.
enum class FetchFailure {
    none,             ///< an HTTP answer arrived whole (any status)
    transport,        ///< DNS, connection, TLS or protocol error
    timeout,          ///< the timeout passed
    too_large,        ///< the body exceeded the request's byte limit: the transfer was aborted
    private_address,  ///< the name resolved to a refused address: no connection was made
};

/// One HTTP answer.
struct HttpResponse {
    /// HTTP status; 0 when no answer (see failure).
    long status = 0;
    FetchFailure failure = FetchFailure::none;
    /// What went wrong, for messages, when failure is not none.
    std::string error;
    std::string content_type;
    std::string etag;
    std::string last_modified;
    /// The Location header of a redirect, as sent.
    std::string location;
    /// Retry-After in seconds (delta or HTTP date), when sent.
    std::optional<double> retry_after;
    /// The body, decoded from any Content-Encoding.
    std::string body;
};

/// A conditional GET's validators from the previous answer.
struct Validators {
    std::string etag;
    std::string last_modified;
};

/// An HTTP client for one thread: keeps its connections open between requests. Not thread-safe.
class HttpClient {
  public:
    explicit HttpClient(HttpOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// GETs `url` (http or https) without following redirects, sending If-None-Match / If-Modified-Since
    /// from `validators`. Bodies over `max_bytes` abort the transfer (failure too_large). Never throws for
    /// network errors: they are in the response.
    HttpResponse get(const std::string& url, const Validators& validators, std::size_t max_bytes);

  private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace dateline::indexer
