// Settings of dateline-serve: address, indexes, worker threads, limits, CORS origins and the write token.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dateline::server {

/// Bounds on what one request may ask for; a request beyond them gets a 400/413 JSON error.
struct RequestLimits {
    /// Longest accepted query text (`q`), in bytes.
    std::size_t max_query_bytes = 1000;
    /// Largest `size` (results per page).
    std::size_t max_page_size = 100;
    /// Deepest result reachable by paging: (page - 1) * size + size <= max_result_window.
    std::size_t max_result_window = 10000;
    /// Largest request body (PUT/POST), in bytes.
    std::size_t max_body_bytes = 16 * 1024 * 1024;
    /// Time a search may spend matching; past it Xapian returns the best results found so far.
    std::chrono::milliseconds match_time_limit{2000};
};

/// Bounds on connections and on how a request arrives, against clients that hold workers without asking for
/// anything (slow or endless headers). A client past them gets 408/431/503 and its connection is closed.
struct ConnectionLimits {
    /// Time from a request's first byte to the end of its headers.
    std::chrono::milliseconds header_timeout{10000};
    /// Time to receive a request body, from the end of its headers.
    std::chrono::milliseconds body_timeout{30000};
    /// Largest request line plus headers, in bytes.
    std::size_t max_header_bytes = 32 * 1024;
    /// Most header lines in one request.
    std::size_t max_headers = 100;
    /// Connections open or waiting for a worker, from all clients together.
    std::size_t max_connections = 1024;
    /// Connections one client address may have in the workers at once; unset: half the workers (at least 1);
    /// 0: no limit (behind a reverse proxy, whose address every request has).
    std::optional<std::size_t> max_connections_per_client;
};

/// Everything dateline-serve needs to run; filled from a JSON config file, then the command line.
struct ServerConfig {
    /// Index directories or tcp:HOST:PORT shards, searched together.
    std::vector<std::string> databases;
    /// The local index the write routes change; empty means the first of `databases` when it is local.
    std::string write_database;
    std::string host = "127.0.0.1";
    /// 0 picks a free port (printed on startup).
    int port = 8080;
    /// Worker threads, each with its own database handle; 0 means a default sized for keep-alive clients.
    unsigned threads = 0;
    /// Searches (and related-article lookups) run at once; the others wait in arrival order. Unset: one
    /// more than the cores; 0: no limit. Completions and article reads never wait.
    std::optional<std::size_t> search_slots;
    /// Directory of the static files (widget.js, example.html, CSS).
    std::string web_root;
    /// Bearer token that enables the write routes; empty disables them. Never logged.
    std::string write_token;
    /// Origins (scheme://host[:port]) allowed to call the API from a browser. "*" allows any origin on
    /// read-only routes; write routes only ever answer listed origins.
    std::vector<std::string> allowed_origins;
    RequestLimits limits;
    ConnectionLimits connections;
    /// API responses kept in memory for repeated requests (0 disables); an entry serves only requests that
    /// see the index revision it was computed on.
    std::size_t cache_entries = 1024;
    /// How often a worker checks whether the index has new commits.
    std::chrono::milliseconds reopen_interval{500};
    /// Name shown in page titles and /opensearch.xml.
    std::string site_name = "dateline";
    /// Write one access-log line per request on stderr.
    bool access_log = true;
    /// Program version reported by /api/health.
    std::string version;
};

/// Reads a JSON configuration file into `config` (keys: db, write_db, listen, threads, search_slots, web_root, token_file,
/// allow_origins, site_name, access_log, cache_entries, reopen_interval_ms, limits{max_query_bytes, max_page_size,
/// max_result_window, max_body_bytes, match_time_limit_ms}, connections{header_timeout_ms, body_timeout_ms,
/// max_header_bytes, max_headers, max_connections, max_connections_per_client}). Throws common::UsageError naming the file and
/// the bad key or value, common::EnvironmentError if the file cannot be read.
void load_config_file(const std::string& path, ServerConfig& config);

/// Parses "HOST:PORT" or "[V6]:PORT" into config.host/config.port. Throws common::UsageError.
void set_listen_address(std::string_view address, ServerConfig& config);

/// Reads the write token: the first line of the file, surrounding blanks removed. Throws
/// common::EnvironmentError if unreadable, common::UsageError if shorter than 16 characters.
std::string read_token_file(const std::string& path);

/// Checks the settings hang together (a database, a web root that exists, origins of the form
/// scheme://host). Throws common::UsageError.
void validate(const ServerConfig& config);

}  // namespace dateline::server
