// URL parsing (libcurl's URL API) and the crawl's URL and address policy.
#include "url_policy.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>

namespace dateline::indexer {

namespace {

struct UrlDeleter {
    void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

/// One part of a parsed URL; empty when absent.
std::string part(CURLU* url, CURLUPart which, unsigned flags = 0) {
    char* value = nullptr;
    if (curl_url_get(url, which, &value, flags) != CURLUE_OK || !value) return {};
    std::string out(value);
    curl_free(value);
    return out;
}

std::optional<WebUrl> from_handle(CURLU* handle) {
    // No fragment: it is never sent, and two URLs differing only by it are one page.
    curl_url_set(handle, CURLUPART_FRAGMENT, nullptr, 0);
    WebUrl out;
    out.scheme = part(handle, CURLUPART_SCHEME);
    out.host = part(handle, CURLUPART_HOST);
    // file: and the like have no host; the policy refuses them by their scheme.
    if (out.scheme.empty() || (out.host.empty() && (out.scheme == "http" || out.scheme == "https"))) return std::nullopt;
    for (char& c : out.host) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (!out.host.empty()) curl_url_set(handle, CURLUPART_HOST, out.host.c_str(), 0);
    if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') out.host = out.host.substr(1, out.host.size() - 2);
    const std::string port = part(handle, CURLUPART_PORT);
    if (!port.empty()) {
        out.port = static_cast<unsigned>(std::stoul(port));
        const bool default_port = (out.scheme == "http" && out.port == 80) || (out.scheme == "https" && out.port == 443);
        if (default_port) {
            curl_url_set(handle, CURLUPART_PORT, nullptr, 0);
            out.port = 0;
        }
    }
    out.path = part(handle, CURLUPART_PATH);
    if (out.path.empty()) out.path = "/";
    const std::string query = part(handle, CURLUPART_QUERY);
    if (!query.empty()) out.path += "?" + query;
    out.url = part(handle, CURLUPART_URL);
    if (out.url.empty()) return std::nullopt;
    return out;
}

bool private_v4(std::uint32_t a) {
    const auto in = [a](std::uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
    return in(0x00000000, 8) || in(0x0A000000, 8) || in(0x64400000, 10) || in(0x7F000000, 8) || in(0xA9FE0000, 16) ||
           in(0xAC100000, 12) || in(0xC0000000, 24) || in(0xC0A80000, 16) || in(0xC6120000, 15) || in(0xE0000000, 3);
}

bool private_v6(const unsigned char* b) {
    static const std::array<unsigned char, 12> mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const std::array<unsigned char, 12> nat64{0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    const auto v4 = [b] { return (std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) | (std::uint32_t{b[14]} << 8) | b[15]; };
    if (std::memcmp(b, mapped.data(), mapped.size()) == 0 || std::memcmp(b, nat64.data(), nat64.size()) == 0) return private_v4(v4());
    bool zero_prefix = true;
    for (int k = 0; k < 15; ++k) zero_prefix = zero_prefix && b[k] == 0;
    if (zero_prefix && (b[15] == 0 || b[15] == 1)) return true;                 // :: and ::1
    if ((b[0] & 0xfe) == 0xfc) return true;                                     // fc00::/7 unique local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;                     // fe80::/10 link-local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return true;                     // fec0::/10 site-local (deprecated)
    return b[0] == 0xff;                                                        // multicast
}

}  // namespace

std::optional<WebUrl> parse_web_url(std::string_view text) {
    const UrlHandle handle(curl_url());
    if (!handle) return std::nullopt;
    // Non-http schemes are parsed too, so that the policy can name them in its refusal.
    if (curl_url_set(handle.get(), CURLUPART_URL, std::string(text).c_str(), CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) != CURLUE_OK) {
        return std::nullopt;
    }
    return from_handle(handle.get());
}

std::optional<WebUrl> resolve_web_url(std::string_view base, std::string_view reference) {
    const UrlHandle handle(curl_url());
    if (!handle) return std::nullopt;
    const unsigned flags = CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE;
    if (curl_url_set(handle.get(), CURLUPART_URL, std::string(base).c_str(), flags) != CURLUE_OK) return std::nullopt;
    // Setting a URL on a handle that holds one resolves it as a reference relative to the one held.
    if (curl_url_set(handle.get(), CURLUPART_URL, std::string(reference).c_str(), flags) != CURLUE_OK) return std::nullopt;
    return from_handle(handle.get());
}

bool is_private_address(const sockaddr* address) {
    if (!address) return true;
    if (address->sa_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
        return private_v4(ntohl(v4->sin_addr.s_addr));
    }
    if (address->sa_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
        return private_v6(v6->sin6_addr.s6_addr);
    }
    // Unix sockets and anything else are never a web site.
    return true;
}

bool is_private_address(std::string_view text) {
    const std::string s(text);
    sockaddr_in v4{};
    if (inet_pton(AF_INET, s.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        return is_private_address(reinterpret_cast<const sockaddr*>(&v4));
    }
    sockaddr_in6 v6{};
    if (inet_pton(AF_INET6, s.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        return is_private_address(reinterpret_cast<const sockaddr*>(&v6));
    }
    return false;
}

std::string UrlPolicy::refusal(const WebUrl& url) const {
    if (url.scheme != "http" && url.scheme != "https") return "scheme '" + url.scheme + "' is not http or https";
    if (!allowed_sites.count(url.site())) {
        std::string list;
        for (const std::string& s : allowed_sites) list += (list.empty() ? "" : ", ") + s;
        return "host '" + url.site() + "' is not among the allowed hosts (" + list + "; add it with --allow-host)";
    }
    // An address written in the URL is judged here already; names are judged on what they resolve to.
    if (!allow_private && is_private_address(url.host)) {
        return "address " + url.host + " is private, loopback or link-local (--allow-private allows it)";
    }
    return {};
}

}  // namespace dateline::indexer
