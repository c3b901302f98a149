// Routes of dateline-serve over cpp-httplib: API, writes, pages, static files; CORS, errors, access log.
#include "http_server.hpp"

#include "http_cache.hpp"
#include "http_connection.hpp"
#include "http_feed.hpp"
#include "http_html.hpp"
#include "http_index.hpp"
#include "http_pages.hpp"
#include "http_params.hpp"
#include "http_static.hpp"
#include "http_stats.hpp"
#include "searcher/export.hpp"
#include "searcher/json_output.hpp"
#include "search_gate.hpp"

#include "common/errors.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <regex>
#include <span>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

namespace dateline::server {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

/// When the request on this worker thread started (set before routing, read by the access log).
thread_local std::optional<Clock::time_point> t_request_start;

constexpr const char* k_json_type = "application/json; charset=utf-8";
/// Entries of a search's Atom feed: its newest articles.
constexpr std::size_t k_feed_entries = 20;
constexpr const char* k_html_type = "text/html; charset=utf-8";
constexpr const char* k_page_csp =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";
constexpr const char* k_static_csp = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'";

/// An error answered as {"error": {"status": ..., "message": ...}}.
struct HttpError {
    int status;
    std::string message;
};

/// The `ui` parameter of a route: "en" or "fr", else a 400 naming it.
common::Lang ui_lang_param(std::string_view value) {
    if (value != "en" && value != "fr") throw HttpError{400, "bad ui '" + shown(value) + "'; expected one of: en, fr"};
    return value == "fr" ? common::Lang::fr : common::Lang::en;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

void send_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(dump(body), k_json_type);
}

void send_error(httplib::Response& res, int status, const std::string& message) {
    send_json(res, status, {{"error", {{"status", status}, {"message", message}}}});
}

std::string status_message(int status) {
    switch (status) {
        case 400: return "bad request: the request line or headers could not be read";
        case 404: return "not found";
        case 405: return "method not allowed";
        case 413: return "request body too large";
        case 408: return "request timeout: the request line and headers did not arrive in time";
        case 414: return "request URI too long";
        case 431: return "request header fields too large: too many headers, or too long";
        case 416: return "range not satisfiable";
        case 503: return "service unavailable";
        default: return "HTTP error " + std::to_string(status);
    }
}

/// The path for the access log: no query string (it may hold search terms), no control characters.
std::string loggable_path(const std::string& path) {
    std::string out;
    for (char c : std::string_view(path).substr(0, 200)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    if (path.size() > 200) out += "...";
    return out.empty() ? "-" : out;
}

std::string utc_timestamp() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
    return buf;
}

/// How far a route may be called from other sites' pages (CORS).
enum class Access {
    read,       ///< changes nothing: any origin when "*" is allowed
    write,      ///< changes the index: only origins listed by name, never "*"
    preflight,  ///< a CORS preflight: as the route it announces (Access-Control-Request-Method)
};

/// What a route serves.
enum class Kind {
    api,     ///< the JSON API: CORS headers; listed by name in the 404 of an unknown API path
    shared,  ///< a file other sites' pages load (the widget, the OpenSearch description): CORS headers
    site,    ///< this site's own pages and files: no CORS header
};

/// Whether `path` is under /api, where no static file is served and an unknown path answers with the API's
/// routes (the static files' row of the route table leaves out the same paths).
bool is_api_path(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

std::string join(const std::vector<std::string_view>& items) {
    std::string out;
    for (const std::string_view item : items) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

/// Maps an exception from a handler to a status and message.
HttpError error_from_current_exception() {
    try {
        throw;
    } catch (const HttpError& e) {
        return e;
    } catch (const common::UsageError& e) {
        return {400, e.what()};
    } catch (const common::BadInputError& e) {
        return {400, e.what()};
    } catch (const common::EnvironmentError& e) {
        return {503, e.what()};
    } catch (const Xapian::DatabaseError& e) {
        return {503, "index unavailable: " + e.get_description()};
    } catch (const Xapian::NetworkError& e) {
        return {503, "remote shard unavailable: " + e.get_description()};
    } catch (const Xapian::Error& e) {
        return {500, "search failed: " + e.get_description()};
    } catch (const std::exception& e) {
        return {500, std::string("internal error: ") + e.what()};
    }
}

std::string first_param(const httplib::Request& req, const char* name) {
    const auto it = req.params.find(name);
    return it == req.params.end() ? std::string() : it->second;
}

}  // namespace

bool constant_time_equals(std::string_view presented, std::string_view expected) noexcept {
    // Every byte of `expected` is visited whatever `presented` holds; differences are OR-ed together.
    unsigned char diff = presented.size() == expected.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const unsigned char p = i < presented.size() ? static_cast<unsigned char>(presented[i]) : 0;
        diff = static_cast<unsigned char>(diff | (p ^ static_cast<unsigned char>(expected[i])));
    }
    return diff == 0;
}

struct HttpServer::Impl {
    explicit Impl(ServerConfig c)
        : config(std::move(c)),
          readers(config.databases, tuning(config), config.reopen_interval),
          files(config.web_root),
          cache(config.cache_entries),
          search_gate(config.search_slots ? *config.search_slots : std::max(1u, std::thread::hardware_concurrency()) + 1),
          server(config.connections, worker_threads(config)) {
        if (!config.write_token.empty()) {
            writer.emplace(config.write_database.empty() ? config.databases.front() : config.write_database);
        }
        setup();
    }

    /// One row of the route table: a method on a path pattern, and everything the server derives from it.
    struct Route {
        /// GET (which answers HEAD too), PUT, DELETE, POST or OPTIONS.
        std::string_view method;
        /// httplib's regular expression over the decoded path; `req.matches` holds its groups.
        std::string_view pattern;
        Access access;
        Kind kind;
        /// How the 404 of an unknown API path lists the route; empty: not listed.
        std::string_view name;
        void (Impl::*handler)(const httplib::Request&, httplib::Response&);
    };

    /// The route table: every route of the server. Registration, the 405 answers and their Allow header, CORS
    /// and the 404 text of an unknown API path are all derived from it; a new route is one row here plus its
    /// handler. For each method, httplib tries the rows in this order and the first match wins:
    /// /api/articles/ID/related comes before /api/articles/ID, the static files last.
    static std::span<const Route> routes() {
        static constexpr Route table[] = {
            // method   pattern                          access             kind          404 name                    handler
            {"GET",     "/api/search",                   Access::read,      Kind::api,    "/api/search",              &Impl::search},
            {"GET",     "/api/suggest",                  Access::read,      Kind::api,    "/api/suggest",             &Impl::suggest},
            {"GET",     R"(/api/articles/(.+)/related)", Access::read,      Kind::api,    "/api/articles/ID/related", &Impl::related},
            {"GET",     R"(/api/articles/(.+))",         Access::read,      Kind::api,    "/api/articles/ID",         &Impl::article},
            {"PUT",     R"(/api/articles/(.+))",         Access::write,     Kind::api,    "/api/articles/ID",         &Impl::put_article},
            {"DELETE",  R"(/api/articles/(.+))",         Access::write,     Kind::api,    "/api/articles/ID",         &Impl::delete_article},
            {"POST",    "/api/articles",                 Access::write,     Kind::api,    "/api/articles",            &Impl::post_articles},
            {"GET",     "/api/export",                   Access::read,      Kind::api,    "/api/export",              &Impl::export_results},
            {"GET",     "/api/stats",                    Access::read,      Kind::api,    "/api/stats",               &Impl::stats},
            {"GET",     "/api/health",                   Access::read,      Kind::api,    "/api/health",              &Impl::health},
            {"OPTIONS", R"(/api/.*)",                    Access::preflight, Kind::api,    "",                         &Impl::preflight},
            {"GET",     "/opensearch.xml",               Access::read,      Kind::shared, "",                         &Impl::opensearch},
            {"GET",     "/widget.js",                    Access::read,      Kind::shared, "",                         &Impl::static_file},
            {"GET",     "/",                             Access::read,      Kind::site,   "",                         &Impl::search_page},
            {"GET",     "/article",                      Access::read,      Kind::site,   "",                         &Impl::article_page},
            {"GET",     "/feed",                         Access::read,      Kind::shared, "",                         &Impl::feed},
            // The web root's files: any path but those of the API (is_api_path).
            {"GET",     R"(/(?!api(/|$)).+)",            Access::read,      Kind::site,   "",                         &Impl::static_file},
        };
        return table;
    }

    ServerConfig config;
    ReaderPool readers;
    std::optional<ArticleWriter> writer;
    StaticFiles files;
    ResponseCache cache;
    SearchGate search_gate;
    GuardedServer server;
    /// The patterns of routes(), compiled, by row.
    std::vector<std::regex> route_patterns;

    // ---- helpers

    static unsigned worker_threads(const ServerConfig& config) {
        return config.threads ? config.threads : std::clamp(4 * std::max(1u, std::thread::hardware_concurrency()), 16u, 64u);
    }

    static searcher::SearchTuning tuning(const ServerConfig& config) {
        searcher::SearchTuning t;
        t.time_limit_seconds = std::chrono::duration<double>(config.limits.match_time_limit).count();
        t.query.max_query_bytes = config.limits.max_query_bytes;
        return t;
    }

    /// Runs `f` with this thread's Searcher. The server's own writes wait for the reads they could spoil
    /// (ReaderPool::write); a read overtaken by commits of another process (dateline-index) is reopened and
    /// retried, a few times before giving up with 503.
    template <typename F>
    auto with_searcher(F&& f) {
        for (int attempt = 0;; ++attempt) {
            try {
                const ReaderPool::Lease lease = readers.lease();
                return f(lease.searcher());
            } catch (const Xapian::DatabaseModifiedError&) {
                if (attempt >= 9) throw;
                readers.reopen_local();
            }
        }
    }

    /// The revision a cached response must match: the database revision of a local index; for several local
    /// shards (a sharded index) the sum of theirs, which grows with every commit of any shard since none
    /// goes back. Remote shards have no revision a reader can see: their responses are not cached.
    static std::optional<std::uint64_t> cache_revision(searcher::Searcher& searcher) {
        const searcher::OpenIndex& index = searcher.index();
        if (index.local_shards.empty()) return std::nullopt;
        try {
            if (index.local_shards.size() == 1) return index.database.get_revision();
            std::uint64_t sum = 0;
            for (const Xapian::Database& shard : index.local_shards) sum += shard.get_revision();
            return sum;
        } catch (const Xapian::Error&) {
            return std::nullopt;
        }
    }

    /// Answers with the JSON `compute` makes, or with the same bytes from the cache when this request was
    /// answered before on the same index revision.
    template <typename Compute>
    void cached_json(const httplib::Request& req, httplib::Response& res, Compute&& compute) {
        std::string body = with_searcher([&](searcher::Searcher& s) {
            const auto revision = cache.enabled() ? cache_revision(s) : std::nullopt;
            std::string key;
            if (revision) {
                // Params are a multimap: sorted by name, so equal requests give equal keys.
                key = req.path;
                for (const auto& [name, value] : req.params) key += "\x1f" + name + "=" + value;
                if (auto hit = cache.find(key, *revision)) {
                    res.set_header("X-Cache", "hit");
                    return std::move(*hit);
                }
            }
            std::string fresh = dump(compute(s));
            if (revision) cache.store(key, *revision, fresh);
            return fresh;
        });
        res.status = 200;
        res.set_content(std::move(body), k_json_type);
    }

    // ---- the route table's derivations

    /// The route that answers `method` on `path` (HEAD: the GET route), or null.
    const Route* route_for(std::string_view method, const std::string& path) const {
        if (method == "HEAD") method = "GET";
        const std::span<const Route> table = routes();
        for (std::size_t k = 0; k < table.size(); ++k) {
            if (table[k].method == method && std::regex_match(path, route_patterns[k])) return &table[k];
        }
        return nullptr;
    }

    /// The methods of the routes that take `path`, in table order.
    std::vector<std::string_view> methods_of(const std::string& path) const {
        std::vector<std::string_view> methods;
        const std::span<const Route> table = routes();
        for (std::size_t k = 0; k < table.size(); ++k) {
            if (std::find(methods.begin(), methods.end(), table[k].method) == methods.end() && std::regex_match(path, route_patterns[k])) {
                methods.push_back(table[k].method);
            }
        }
        return methods;
    }

    /// Whether responses on `path` carry CORS headers: a route of the API or a shared file takes it.
    bool is_cross_origin(const std::string& path) const {
        const std::span<const Route> table = routes();
        for (std::size_t k = 0; k < table.size(); ++k) {
            if (table[k].kind != Kind::site && std::regex_match(path, route_patterns[k])) return true;
        }
        return false;
    }

    /// The names of the API's routes, as the 404 of an unknown API path lists them.
    static std::string api_route_names() {
        std::vector<std::string_view> names;
        for (const Route& route : routes()) {
            if (route.kind == Kind::api && !route.name.empty() && std::find(names.begin(), names.end(), route.name) == names.end()) {
                names.push_back(route.name);
            }
        }
        return join(names);
    }

    /// The access a preflight asks for: that of the route taking the method it announces. A method no route
    /// takes is only ever answered with an error, which any page may read (see answer_unrouted).
    Access announced_access(const httplib::Request& req) const {
        const Route* target = route_for(req.get_header_value("Access-Control-Request-Method"), req.path);
        return target ? target->access : Access::read;
    }

    Access requested_access(const httplib::Request& req, const Route& route) const {
        return route.access == Access::preflight ? announced_access(req) : route.access;
    }

    bool origin_listed(const std::string& origin) const {
        return std::find(config.allowed_origins.begin(), config.allowed_origins.end(), origin) != config.allowed_origins.end();
    }

    /// The Access-Control-Allow-Origin a request from `origin` gets for `access`: a listed origin itself
    /// everywhere, "*" (when listed) for reads only; empty when the origin may not.
    std::string allowed_origin(const std::string& origin, Access access) const {
        if (origin.empty()) return {};
        if (origin != "*" && origin_listed(origin)) return origin;
        if (access == Access::read && origin_listed("*")) return "*";
        return {};
    }

    /// Adds the CORS headers of a request that comes with an Origin.
    void apply_cors(const httplib::Request& req, httplib::Response& res, Access access) const {
        const std::string origin = req.get_header_value("Origin");
        if (origin.empty()) return;
        res.set_header("Vary", "Origin");
        if (const std::string allowed = allowed_origin(origin, access); !allowed.empty()) {
            res.set_header("Access-Control-Allow-Origin", allowed);
        }
    }

    /// Answers with `route`'s handler (an exception becomes the JSON error it maps to), then its CORS headers.
    void answer(const Route& route, const httplib::Request& req, httplib::Response& res) {
        try {
            (this->*route.handler)(req, res);
        } catch (...) {
            const HttpError e = error_from_current_exception();
            send_error(res, e.status, e.message);
        }
        if (route.kind != Kind::site) apply_cors(req, res, requested_access(req, route));
    }

    /// Answers a request that no route took: 405 with the methods the path takes when some route other than
    /// a preflight takes it (the preflight takes every API path), else 404; and httplib's own errors (400,
    /// 413, 414) with their message.
    void answer_unrouted(const httplib::Request& req, httplib::Response& res) const {
        std::string message = status_message(res.status);
        if (res.status == 404) {
            std::vector<std::string_view> allowed = methods_of(req.path);
            if (std::any_of(allowed.begin(), allowed.end(), [](std::string_view m) { return m != "OPTIONS"; })) {
                // httplib answers HEAD with the GET route.
                if (const auto get = std::find(allowed.begin(), allowed.end(), "GET"); get != allowed.end()) {
                    allowed.insert(get + 1, "HEAD");
                }
                res.status = 405;
                res.set_header("Allow", join(allowed));
                message = "method " + req.method + " is not allowed on " + loggable_path(req.path) + "; allowed: " + join(allowed);
            } else if (is_api_path(req.path)) {
                message = "no API route " + req.method + " " + loggable_path(req.path) + "; routes: " + api_route_names();
            } else {
                message = "no route for " + req.method + " " + loggable_path(req.path);
            }
        }
        if (res.status == 413) message = body_too_large_message();
        send_error(res, res.status, message);
        if (is_cross_origin(req.path)) {
            // Nothing was done: the error is for any page that may read, but on a write route (its body was
            // too large) for the origins that may write.
            const Route* route = route_for(req.method, req.path);
            apply_cors(req, res, route ? route->access : Access::read);
        }
    }

    /// Refuses a request to a write route before its body is read, when its credentials or origin are not
    /// accepted or its Content-Length is over max_body_bytes; the connection then closes, as the unread body
    /// follows on it. True when it answered.
    bool refuse_write_before_body(const httplib::Request& req, httplib::Response& res) {
        const Route* route = route_for(req.method, req.path);
        if (!route && (req.method == "PUT" || req.method == "POST" || req.method == "PATCH" || req.method == "DELETE")) {
            // httplib would read the body of a request no route takes before answering 404 or 405; without
            // Content-Length or chunks, until the body deadline (a PUT to /api/search got 400 after 30 s).
            res.status = 404;
            answer_unrouted(req, res);
        } else if (!route || route->access != Access::write) {
            return false;
        } else {
            try {
                require_writer(req, res);
                const std::string length = req.get_header_value("Content-Length");
                std::uint64_t bytes = 0;
                const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), bytes);
                if (ec == std::errc::result_out_of_range || (ec == std::errc{} && bytes > config.limits.max_body_bytes)) {
                    throw HttpError{413, body_too_large_message()};
                }
                return false;
            } catch (...) {
                const HttpError e = error_from_current_exception();
                send_error(res, e.status, e.message);
                apply_cors(req, res, route->access);
            }
        }
        res.set_header("Connection", "close");
        GuardedServer::close_after_response();
        return true;
    }

    std::string body_too_large_message() const {
        return "request body too large; at most " + std::to_string(config.limits.max_body_bytes) + " bytes";
    }

    /// Answers a request with a body (Content-Length or chunked): reads it up to max_body_bytes, else 413 and
    /// the connection closes; then `route`'s handler sees it in req.body.
    void answer_with_body(const Route& route, const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& content) {
        std::string body;
        bool too_large = false;
        const bool complete = content([&](const char* data, std::size_t size) {
            if (body.size() + size > config.limits.max_body_bytes) {
                too_large = true;
                return false;
            }
            body.append(data, size);
            return true;
        });
        if (!complete) {
            GuardedServer::close_after_response();
            res.set_header("Connection", "close");
            if (too_large) {
                send_error(res, 413, body_too_large_message());
            } else {
                send_error(res, 400, "the request body could not be read");
            }
            apply_cors(req, res, route.access);
            return;
        }
        httplib::Request with_body = req;
        with_body.body = std::move(body);
        answer(route, with_body, res);
    }

    void require_writer(const httplib::Request& req, httplib::Response& res) const {
        if (!writer) throw HttpError{403, "writes are disabled: start dateline-serve with --token-file FILE to enable them"};
        if (const std::string origin = req.get_header_value("Origin"); !origin.empty() && (origin == "*" || !origin_listed(origin))) {
            throw HttpError{403, "origin '" + shown(origin) + "' may not write; add it to allow_origins"};
        }
        const std::string header = req.get_header_value("Authorization");
        constexpr std::string_view scheme = "Bearer ";
        if (header.size() <= scheme.size() || header.compare(0, scheme.size(), scheme) != 0) {
            res.set_header("WWW-Authenticate", "Bearer realm=\"dateline\"");
            throw HttpError{401, "missing credentials: send the header 'Authorization: Bearer TOKEN'"};
        }
        if (!constant_time_equals(std::string_view(header).substr(scheme.size()), config.write_token)) {
            res.set_header("WWW-Authenticate", "Bearer realm=\"dateline\", error=\"invalid_token\"");
            throw HttpError{401, "invalid token"};
        }
    }

    std::string base_url(const httplib::Request& req) const {
        std::string host = req.get_header_value("Host");
        const bool clean = !host.empty() && host.size() < 256 && std::all_of(host.begin(), host.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
        });
        if (!clean) host = config.host + ":" + std::to_string(config.port);
        return "http://" + host;
    }

    common::Lang ui_language(const httplib::Request& req, const SearchParams& params) const {
        const std::string code = !params.ui.empty() ? params.ui : ui_language_from_header(req.get_header_value("Accept-Language"));
        return code == "fr" ? common::Lang::fr : common::Lang::en;
    }

    /// Page parameters, or the best-effort ones with `error` set when they are not valid.
    SearchParams page_params(const httplib::Request& req, std::string& error) const {
        try {
            return parse_search_params(req.params, config.limits, ParamStrictness::page);
        } catch (const common::UsageError& e) {
            error = e.what();
            SearchParams fallback;
            const std::string q = first_param(req, "q");
            if (q.size() <= config.limits.max_query_bytes) fallback.q = q;
            const std::string ui = first_param(req, "ui");
            if (ui == "en" || ui == "fr") fallback.ui = ui;
            return fallback;
        }
    }

    void send_page(httplib::Response& res, int status, std::string html) const {
        res.status = status;
        res.set_header("Content-Security-Policy", k_page_csp);
        res.set_header("Cache-Control", "no-cache");
        res.set_content(std::move(html), k_html_type);
    }


    /// Names of the article's places in `lang`, in the order of article.places.
    static std::vector<std::string> place_labels(const searcher::Searcher& searcher, const common::Article& article, common::Lang lang) {
        std::vector<std::string> labels;
        for (const auto& place : article.places) {
            labels.push_back(searcher.index().places ? searcher.index().places->label(place.id, lang) : place.id);
        }
        return labels;
    }

    /// The stored article as GET /api/articles/ID answers it: what a search result says of its article
    /// (searcher::hit_json), and the body.
    static json article_json(const common::Article& article, const std::vector<std::string>& labels) {
        json places = json::array();
        for (std::size_t k = 0; k < article.places.size(); ++k) {
            const common::ArticlePlaceRef& p = article.places[k];
            const std::string& label = k < labels.size() ? labels[k] : p.id;
            places.push_back({{"id", p.id}, {"country", p.country}, {"salience", p.salience}, {"label", label}});
        }
        return {{"id", article.id},
                {"title", article.display_title()},
                {"date", article.date ? json(article.date->iso()) : json(nullptr)},
                {"lang", std::string(common::lang_code(article.lang))},
                {"source", article.source},
                {"url", article.url},
                // Always false here; answered since the first version, which copied a search result's fields.
                {"partial", false},
                {"places", std::move(places)},
                {"body", article.body}};
    }

    // ---- routes (see routes())

    void search(const httplib::Request& req, httplib::Response& res) {
        const SearchParams params = parse_search_params(req.params, config.limits, ParamStrictness::api);
        const searcher::SearchRequest request = to_search_request(params, params.ui == "fr" ? common::Lang::fr : common::Lang::en);
        cached_json(req, res, [&](searcher::Searcher& s) {
            const SearchGate::Pass pass(search_gate);
            return searcher::to_json(request, s.search(request));
        });
    }

    /// Atom feed of a search (http_feed.hpp): its newest articles, 304 to a conditional GET when they are
    /// the same.
    void feed(const httplib::Request& req, httplib::Response& res) {
        FeedContext ctx;
        ctx.site_name = config.site_name;
        ctx.base_url = base_url(req);
        ctx.params = parse_search_params(req.params, config.limits, ParamStrictness::api);
        ctx.ui = ctx.params.ui == "fr" ? common::Lang::fr : common::Lang::en;
        searcher::SearchRequest request = to_search_request(ctx.params, ctx.ui);
        request.sort = searcher::SortOrder::date;
        request.offset = 0;
        request.limit = k_feed_entries;
        request.facets = false;
        request.spelling = false;
        request.period_terms = false;
        const searcher::SearchResponse response = with_searcher([&](searcher::Searcher& s) {
            const SearchGate::Pass pass(search_gate);
            return s.search(request);
        });
        const AtomFeed feed = render_atom_feed(ctx, response);
        res.set_header("ETag", feed.etag);
        if (feed.last_modified) res.set_header("Last-Modified", http_date(*feed.last_modified));
        if (feed_not_modified(feed, req.get_header_value("If-None-Match"), req.get_header_value("If-Modified-Since"))) {
            res.status = 304;
            return;
        }
        res.status = 200;
        res.set_content(feed.body, "application/atom+xml; charset=utf-8");
    }

    /// Every result of a search as CSV or JSON Lines (searcher/export.hpp), streamed a page at a time in a
    /// chunked response; X-Total-Count and X-Export-Count say how many matched and how many are sent.
    void export_results(const httplib::Request& req, httplib::Response& res) {
        QueryParams search_params;
        std::string format = "csv";
        for (const auto& [name, value] : req.params) {
            if (name == "format") {
                format = value;
            } else {
                search_params.emplace(name, value);
            }
        }
        const searcher::ExportFormat export_format = searcher::parse_export_format(format);
        const SearchParams params = parse_search_params(search_params, config.limits, ParamStrictness::api);
        const searcher::SearchRequest request = to_search_request(params, params.ui == "fr" ? common::Lang::fr : common::Lang::en);
        auto out = std::make_shared<searcher::ResultExport>(request, export_format);
        const auto next = [this, out] {
            return with_searcher([&](searcher::Searcher& s) {
                const SearchGate::Pass pass(search_gate);
                return out->next(s);
            });
        };
        // The first page before any byte is sent: it counts the results (for the headers), and a bad
        // search is still answered with an error status.
        auto pending = std::make_shared<std::string>(next());
        res.set_header("X-Total-Count", std::to_string(out->total()));
        res.set_header("X-Export-Count", std::to_string(out->planned()));
        res.set_header("X-Export-Limit", std::to_string(searcher::k_export_max));
        res.set_header("X-Export-Cut", out->cut() ? "true" : "false");
        res.set_header("Content-Disposition", std::string("attachment; filename=\"dateline-export.") + format + "\"");
        res.set_chunked_content_provider(std::string(searcher::export_content_type(export_format)), [next, pending](std::size_t, httplib::DataSink& sink) {
            try {
                std::string part = pending->empty() ? next() : std::exchange(*pending, std::string());
                if (part.empty()) {
                    sink.done();
                    return true;
                }
                return sink.write(part.data(), part.size());
            } catch (...) {
                // Headers are gone: the only way left to say it failed is to cut the response short.
                return false;
            }
        });
    }

    void suggest(const httplib::Request& req, httplib::Response& res) {
        searcher::SuggestRequest request;
        bool opensearch = false;
        for (const auto& [name, value] : req.params) {
            if (name == "q") {
                if (value.size() > config.limits.max_query_bytes) {
                    throw HttpError{400, "query is " + std::to_string(value.size()) + " bytes long; at most " +
                                             std::to_string(config.limits.max_query_bytes) + " are accepted"};
                }
                request.prefix = value;
            } else if (name == "size") {
                request.limit = parse_count("size", value, 1, 20);
            } else if (name == "ui") {
                request.ui_lang = ui_lang_param(value);
            } else if (name == "format") {
                if (value != "json" && value != "opensearch") throw HttpError{400, "bad format '" + shown(value) + "'; expected one of: json, opensearch"};
                opensearch = value == "opensearch";
            } else {
                throw HttpError{400, "unknown parameter '" + shown(name) + "'; expected one of: format, q, size, ui"};
            }
        }
        if (opensearch) {
            const searcher::SuggestResponse response = with_searcher([&](searcher::Searcher& s) { return s.suggest(request); });
            json texts = json::array();
            for (const searcher::Completion& c : response.completions) texts.push_back(c.text);
            res.set_content(dump(json::array({request.prefix, texts})), "application/x-suggestions+json");
            return;
        }
        cached_json(req, res, [&](searcher::Searcher& s) { return searcher::to_json(request, s.suggest(request)); });
    }

    void related(const httplib::Request& req, httplib::Response& res) {
        // httplib matches the decoded path: in /api/articles/x%2Frelated, "/related" is part of the id.
        const std::string raw_path = req.target.substr(0, req.target.find('?'));
        if (httplib::detail::decode_url(raw_path.substr(raw_path.rfind('/') + 1), false) != "related") {
            answer_article(req.matches[1].str() + "/related", req, res);
            return;
        }
        searcher::RelatedRequest related_request;
        related_request.id = req.matches[1];
        for (const auto& [name, value] : req.params) {
            if (name == "size") {
                related_request.limit = parse_count("size", value, 1, std::min<std::size_t>(50, config.limits.max_page_size));
            } else if (name == "ui") {
                related_request.ui_lang = ui_lang_param(value);
            } else {
                throw HttpError{400, "unknown parameter '" + shown(name) + "'; expected one of: size, ui"};
            }
        }
        const auto related = with_searcher([&](searcher::Searcher& s) {
            const SearchGate::Pass pass(search_gate);
            return s.related(related_request);
        });
        if (!related) throw HttpError{404, "no article with id '" + shown(related_request.id) + "'"};
        send_json(res, 200, searcher::to_json(related_request, *related));
    }

    void article(const httplib::Request& req, httplib::Response& res) { answer_article(req.matches[1], req, res); }

    void answer_article(const std::string& id, const httplib::Request& req, httplib::Response& res) {
        common::Lang lang = common::Lang::en;
        for (const auto& [name, value] : req.params) {
            if (name != "ui") throw HttpError{400, "unknown parameter '" + shown(name) + "'; expected: ui"};
            lang = ui_lang_param(value);
        }
        const json article = with_searcher([&](searcher::Searcher& s) {
            const auto found = s.find_article(id);
            return found ? article_json(*found, place_labels(s, *found, lang)) : json();
        });
        if (article.is_null()) throw HttpError{404, "no article with id '" + shown(id) + "'"};
        send_json(res, 200, article);
    }

    void put_article(const httplib::Request& req, httplib::Response& res) {
        require_writer(req, res);
        const std::string id = req.matches[1];
        WriteOutcome outcome;
        readers.write([&] { outcome = writer->put(id, req.body); });
        if (outcome.indexed == 0) {
            throw HttpError{400, outcome.errors.empty() ? std::string("the article was not indexed") : outcome.errors.front()};
        }
        send_json(res, 200, {{"indexed", outcome.indexed}, {"id", id}, {"messages", write_messages(outcome)}});
    }

    /// What a write response reports: the records skipped, then what was repaired in those written.
    static std::vector<std::string> write_messages(const WriteOutcome& outcome) {
        std::vector<std::string> messages = outcome.errors;
        messages.insert(messages.end(), outcome.warnings.begin(), outcome.warnings.end());
        return messages;
    }

    void delete_article(const httplib::Request& req, httplib::Response& res) {
        require_writer(req, res);
        const std::string id = req.matches[1];
        bool removed = false;
        readers.write([&] { removed = writer->remove(id); });
        if (!removed) throw HttpError{404, "no article with id '" + shown(id) + "'"};
        send_json(res, 200, {{"deleted", id}});
    }

    void post_articles(const httplib::Request& req, httplib::Response& res) {
        require_writer(req, res);
        if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
            throw HttpError{400, "empty request body; expected JSON Lines, one article object per line"};
        }
        WriteOutcome outcome;
        readers.write([&] { outcome = writer->put_lines(req.body); });
        if (outcome.indexed == 0) {
            const std::string first = outcome.errors.empty() ? std::string("no article in the body") : outcome.errors.front();
            send_json(res, 400, {{"error", {{"status", 400}, {"message", "no article was indexed: " + first}, {"details", outcome.errors}}}});
            return;
        }
        send_json(res, 200, {{"indexed", outcome.indexed}, {"ids", outcome.ids}, {"messages", write_messages(outcome)}});
    }

    void stats(const httplib::Request&, httplib::Response& res) {
        json stats = with_searcher([](searcher::Searcher& s) { return index_stats(s.index()); });
        stats["cache"] = {{"entries", config.cache_entries}, {"hits", cache.hits()}, {"misses", cache.misses()}};
        stats["search_slots"] = {{"slots", search_gate.slots()}, {"waiting", search_gate.waiting()}};
        send_json(res, 200, stats);
    }

    void health(const httplib::Request&, httplib::Response& res) {
        const Xapian::doccount docs = with_searcher([](searcher::Searcher& s) { return s.index().database.get_doccount(); });
        send_json(res, 200, {{"status", "ok"}, {"version", config.version}, {"documents", docs}});
    }

    /// A CORS preflight: 204 with the methods the path takes when the origin may make the request it
    /// announces, else 403. The CORS headers themselves come from answer() (Access::preflight).
    void preflight(const httplib::Request& req, httplib::Response& res) {
        const std::string origin = req.get_header_value("Origin");
        const std::string method = req.get_header_value("Access-Control-Request-Method");
        if (allowed_origin(origin, announced_access(req)).empty()) {
            send_error(res, 403, "origin '" + shown(origin) + "' may not call " + (method.empty() ? std::string("this route") : method + " " + loggable_path(req.path)) +
                                     "; allowed origins are set with --allow-origin");
            return;
        }
        res.status = 204;
        std::vector<std::string_view> methods = methods_of(req.path);
        std::erase(methods, "OPTIONS");
        if (!methods.empty()) res.set_header("Access-Control-Allow-Methods", join(methods));
        res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
        res.set_header("Access-Control-Max-Age", "600");
    }

    void opensearch(const httplib::Request& req, httplib::Response& res) {
        res.set_content(render_opensearch(config.site_name, base_url(req)), "application/opensearchdescription+xml");
    }

    void search_page(const httplib::Request& req, httplib::Response& res) {
        PageContext ctx;
        ctx.site_name = config.site_name;
        SearchPageData data;
        ctx.params = page_params(req, data.error);
        ctx.ui = ui_language(req, ctx.params);
        int status = data.error.empty() ? 200 : 400;
        if (data.error.empty()) {
            try {
                searcher::SearchRequest request = to_search_request(ctx.params, ctx.ui);
                // The words of each period are shown under the timeline unless terms=0.
                request.period_terms = ctx.params.terms.value_or(true);
                data.response = with_searcher([&](searcher::Searcher& s) {
                    const SearchGate::Pass pass(search_gate);
                    return s.search(request);
                });
            } catch (...) {
                const HttpError e = error_from_current_exception();
                status = e.status;
                data.error = e.message;
                data.response.reset();
            }
        }
        send_page(res, status, render_search_page(ctx, data));
    }

    void article_page(const httplib::Request& req, httplib::Response& res) {
        PageContext ctx;
        ctx.site_name = config.site_name;
        std::string error;
        ctx.params = page_params(req, error);
        ctx.ui = ui_language(req, ctx.params);
        const std::string id = first_param(req, "id");
        const bool fr = ctx.ui == common::Lang::fr;
        try {
            std::vector<std::string> labels;
            const auto article = with_searcher([&](searcher::Searcher& s) {
                auto found = s.find_article(id);
                if (found) labels = place_labels(s, *found, ctx.ui);
                return found;
            });
            if (!article) {
                send_page(res, 404, render_message_page(ctx, fr ? "Article introuvable" : "Article not found",
                                                        (fr ? "Aucun article n’a l’identifiant « " : "No article has the id '") + shown(id) +
                                                            (fr ? " »." : "'.")));
                return;
            }
            std::optional<searcher::SearchResponse> related;
            try {
                searcher::RelatedRequest related_request;
                related_request.id = id;
                related_request.ui_lang = ctx.ui;
                related = with_searcher([&](searcher::Searcher& s) {
                    const SearchGate::Pass pass(search_gate);
                    return s.related(related_request);
                });
            } catch (const Xapian::Error&) {
                // Related articles are a bonus: the article is shown without them.
            }
            send_page(res, 200, render_article_page(ctx, *article, labels, related));
        } catch (...) {
            const HttpError e = error_from_current_exception();
            send_page(res, e.status, render_message_page(ctx, fr ? "Erreur" : "Error", e.message));
        }
    }

    void static_file(const httplib::Request& req, httplib::Response& res) {
        auto file = files.find(req.path);
        if (!file) {
            send_error(res, 404, "no such file: " + loggable_path(req.path));
            return;
        }
        if (file->content_type.rfind("text/html", 0) == 0) res.set_header("Content-Security-Policy", k_static_csp);
        res.set_header("Cache-Control", "public, max-age=300");
        res.set_content(std::move(file->content), file->content_type);
    }

    // ---- setup

    void setup() {
        server.set_payload_max_length(config.limits.max_body_bytes);
        server.set_keep_alive_max_count(1000);
        server.set_keep_alive_timeout(5);
        server.set_read_timeout(10, 0);
        server.set_write_timeout(10, 0);
        server.set_tcp_nodelay(true);
        server.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "same-origin"}});

        server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            t_request_start = Clock::now();
            return refuse_write_before_body(req, res) ? httplib::Server::HandlerResponse::Handled : httplib::Server::HandlerResponse::Unhandled;
        });
        server.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
            // Errors from handlers already carry their JSON body (and CORS headers); an empty body is an answer
            // of httplib's own: no route for the method (404), or a request it could not read (400, 413, 414).
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            if (const int status = GuardedServer::unread_request_status(); status != 0) res.status = status;
            answer_unrouted(req, res);
            return httplib::Server::HandlerResponse::Handled;
        }));
        server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
            try {
                std::rethrow_exception(ep);
            } catch (...) {
                const HttpError e = error_from_current_exception();
                send_error(res, e.status, e.message);
            }
        });
        if (config.access_log) {
            server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
                double ms = 0.0;
                if (t_request_start) ms = std::chrono::duration<double, std::milli>(Clock::now() - *t_request_start).count();
                t_request_start.reset();
                char line[512];
                const int n = std::snprintf(line, sizeof line, "%s %s %s %d %.1fms\n", utc_timestamp().c_str(),
                                            req.method.empty() ? "-" : req.method.c_str(), loggable_path(req.path).c_str(), res.status, ms);
                // One write per line so that lines from different workers do not interleave.
                std::fwrite(line, 1, static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(sizeof line) - 1)), stderr);
            });
        }

        for (const Route& route : routes()) {
            route_patterns.emplace_back(route.pattern.begin(), route.pattern.end());
            const std::string pattern(route.pattern);
            const httplib::Server::Handler handler = [this, &route](const httplib::Request& req, httplib::Response& res) {
                answer(route, req, res);
            };
            // A body is read through read_body(), which stops at max_body_bytes whatever its transfer encoding.
            const httplib::Server::HandlerWithContentReader body_handler =
                [this, &route](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& content) {
                    answer_with_body(route, req, res, content);
                };
            if (route.method == "GET") {
                server.Get(pattern, handler);
            } else if (route.method == "PUT") {
                server.Put(pattern, handler);
                server.Put(pattern, body_handler);
            } else if (route.method == "DELETE") {
                server.Delete(pattern, handler);
                server.Delete(pattern, body_handler);
            } else if (route.method == "POST") {
                server.Post(pattern, handler);
                server.Post(pattern, body_handler);
            } else if (route.method == "OPTIONS") {
                server.Options(pattern, handler);
            } else {
                throw std::logic_error("route table: unsupported method " + std::string(route.method));
            }
        }
    }
};

HttpServer::HttpServer(ServerConfig config) : m_impl(std::make_unique<Impl>(std::move(config))) {}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
    ServerConfig& c = m_impl->config;
    if (c.port == 0) {
        const int port = m_impl->server.bind_to_any_port(c.host);
        if (port <= 0) throw common::EnvironmentError("cannot listen on " + c.host + " (any port)");
        c.port = port;
    } else if (!m_impl->server.bind_to_port(c.host, c.port)) {
        throw common::EnvironmentError("cannot listen on " + c.host + ":" + std::to_string(c.port) +
                                       " (address in use, or not an address of this machine?)");
    }
    return c.port;
}

void HttpServer::serve() { m_impl->server.listen_after_bind(); }

void HttpServer::serve_connection(int socket) { m_impl->server.serve_socket(socket); }

void HttpServer::stop() { m_impl->server.stop(); }

}  // namespace dateline::server
