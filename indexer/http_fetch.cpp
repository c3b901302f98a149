// libcurl easy handles for the crawler, with the address policy applied to every socket libcurl opens.
#include "http_fetch.hpp"

#include "url_policy.hpp"

#include "common/errors.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cctype>
#include <charconv>
#include <ctime>

namespace dateline::indexer {

namespace {

void init_curl() {
    static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) throw common::EnvironmentError(std::string("cannot initialise libcurl: ") + curl_easy_strerror(rc));
}

struct EasyDeleter {
    void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct ListDeleter {
    void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

std::string address_text(const sockaddr* address) {
    char text[INET6_ADDRSTRLEN] = "?";
    if (address->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
    } else if (address->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text, sizeof text);
    }
    return text;
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

bool header_is(std::string_view line, std::string_view name) {
    if (line.size() <= name.size() || line[name.size()] != ':') return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
    }
    return true;
}

/// Retry-After: delta seconds, or an HTTP date (curl_getdate reads the formats RFC 9110 allows).
std::optional<double> parse_retry_after(std::string_view value) {
    long seconds = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && ptr == value.data() + value.size() && seconds >= 0) return static_cast<double>(seconds);
    const std::time_t when = curl_getdate(std::string(value).c_str(), nullptr);
    if (when < 0) return std::nullopt;
    const double delta = std::difftime(when, std::time(nullptr));
    return delta > 0 ? delta : 0.0;
}

}  // namespace

struct HttpClient::State {
    HttpOptions options;
    std::unique_ptr<CURL, EasyDeleter> easy;
    std::unique_ptr<curl_slist, ListDeleter> resolve;
    // Per request:
    HttpResponse* response = nullptr;
    std::size_t max_bytes = 0;
    std::string refused_address;

    static size_t on_body(char* data, size_t size, size_t count, void* user) {
        auto* self = static_cast<State*>(user);
        const std::size_t n = size * count;
        if (self->response->body.size() + n > self->max_bytes) {
            self->response->failure = FetchFailure::too_large;
            return 0;  // aborts the transfer
        }
        self->response->body.append(data, n);
        return n;
    }

    static size_t on_header(char* data, size_t size, size_t count, void* user) {
        auto* self = static_cast<State*>(user);
        const std::string_view line(data, size * count);
        HttpResponse& r = *self->response;
        if (line.starts_with("HTTP/")) {
            // A new response (after an interim 1xx): forget the headers of the one before.
            r.content_type.clear();
            r.etag.clear();
            r.last_modified.clear();
            r.location.clear();
            r.retry_after.reset();
        } else if (header_is(line, "content-type")) {
            r.content_type = trimmed(line.substr(13));
        } else if (header_is(line, "etag")) {
            r.etag = trimmed(line.substr(5));
        } else if (header_is(line, "last-modified")) {
            r.last_modified = trimmed(line.substr(14));
        } else if (header_is(line, "location")) {
            r.location = trimmed(line.substr(9));
        } else if (header_is(line, "retry-after")) {
            r.retry_after = parse_retry_after(trimmed(line.substr(12)));
        }
        return size * count;
    }

    /// Every connection libcurl makes goes through here, after name resolution: the place to refuse a
    /// public-looking name that resolves to an internal address.
    static curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
        auto* self = static_cast<State*>(user);
        if (!self->options.allow_private && is_private_address(&address->addr)) {
            self->refused_address = address_text(&address->addr);
            return CURL_SOCKET_BAD;
        }
        return ::socket(address->family, address->socktype, address->protocol);
    }
};

HttpClient::HttpClient(HttpOptions options) : m_state(std::make_unique<State>()) {
    init_curl();
    m_state->options = std::move(options);
    m_state->easy.reset(curl_easy_init());
    if (!m_state->easy) throw common::EnvironmentError("cannot create a libcurl handle");
    CURL* c = m_state->easy.get();
    for (const std::string& entry : m_state->options.resolve) {
        curl_slist* grown = curl_slist_append(m_state->resolve.get(), entry.c_str());
        if (!grown) throw common::EnvironmentError("out of memory building libcurl's resolve list");
        (void)m_state->resolve.release();
        m_state->resolve.reset(grown);
    }
    curl_easy_setopt(c, CURLOPT_USERAGENT, m_state->options.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    // A proxy would be the address checked, not the site: the crawl connects directly.
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(m_state->options.timeout_seconds * 1000));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_state->options.connect_timeout_seconds * 1000));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &State::on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, m_state.get());
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &State::on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, m_state.get());
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &State::on_open_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, m_state.get());
    if (m_state->resolve) curl_easy_setopt(c, CURLOPT_RESOLVE, m_state->resolve.get());
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::get(const std::string& url, const Validators& validators, std::size_t max_bytes) {
    HttpResponse response;
    CURL* c = m_state->easy.get();
    m_state->response = &response;
    m_state->max_bytes = max_bytes;
    m_state->refused_address.clear();
    std::unique_ptr<curl_slist, ListDeleter> headers;
    const auto add_header = [&](const std::string& h) {
        curl_slist* grown = curl_slist_append(headers.get(), h.c_str());
        if (!grown) return;
        (void)headers.release();
        headers.reset(grown);
    };
    if (!validators.etag.empty()) add_header("If-None-Match: " + validators.etag);
    if (!validators.last_modified.empty()) add_header("If-Modified-Since: " + validators.last_modified);
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    // A declared length over the limit stops the transfer before the body.
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes));
    const CURLcode rc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
    m_state->response = nullptr;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
        return response;
    }
    response.status = 0;
    response.body.clear();
    if (!m_state->refused_address.empty()) {
        response.failure = FetchFailure::private_address;
        response.error = "the host resolves to " + m_state->refused_address +
                         ", a private, loopback or link-local address (--allow-private allows it)";
    } else if (rc == CURLE_FILESIZE_EXCEEDED || response.failure == FetchFailure::too_large) {
        response.failure = FetchFailure::too_large;
        response.error = "larger than the limit of " + std::to_string(max_bytes) + " bytes; transfer aborted";
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        response.failure = FetchFailure::timeout;
        response.error = std::string("timed out: ") + curl_easy_strerror(rc);
    } else {
        response.failure = FetchFailure::transport;
        response.error = curl_easy_strerror(rc);
    }
    return response;
}

}  // namespace dateline::indexer
