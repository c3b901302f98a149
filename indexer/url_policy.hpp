// Which URLs a crawl may fetch: http/https only, within the allowed hosts, never a private, loopback or
// link-local address (checked on the address a name resolves to) unless the user allows it.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

struct sockaddr;

namespace dateline::indexer {

/// An absolute http(s) URL split by libcurl's URL parser, normalised (scheme and host lower case, default
/// port dropped, no fragment).
struct WebUrl {
    std::string scheme;
    /// Lower case, without brackets for an IPv6 literal.
    std::string host;
    /// 0 when the URL names none (the scheme's default).
    unsigned port = 0;
    /// Path and query, starting with '/' ("/news/a.html?p=2").
    std::string path;
    /// The whole URL, normalised.
    std::string url;
    /// "host" or "host:port": what politeness and the allowed hosts count as one site.
    std::string site() const { return port ? host + ":" + std::to_string(port) : host; }
};

/// Parses an absolute URL; nullopt when it is not one libcurl can read (any scheme: the policy judges it).
std::optional<WebUrl> parse_web_url(std::string_view text);

/// Resolves `reference` (absolute, or relative such as "/a", "../b", "//host/c") against `base`; nullopt
/// when either cannot be read.
std::optional<WebUrl> resolve_web_url(std::string_view base, std::string_view reference);

/// True for addresses a crawl must not reach unless allowed: IPv4 0/8, 10/8, 100.64/10, 127/8, 169.254/16,
/// 172.16/12, 192.0.0/24, 192.168/16, 198.18/15, multicast and reserved (224/3); IPv6 ::, ::1, fc00::/7,
/// fe80::/10, ff00::/8, and IPv4-mapped or NAT64 forms of the IPv4 ones.
bool is_private_address(const sockaddr* address);

/// The same for an address written as text ("10.0.0.1", "::1"); false for text that is not an address.
bool is_private_address(std::string_view text);

/// The rules a crawl's URLs must pass.
struct UrlPolicy {
    /// Sites (WebUrl::site(): host or host:port) that may be fetched.
    std::set<std::string> allowed_sites;
    /// Allow private, loopback and link-local addresses (--allow-private).
    bool allow_private = false;

    /// Why `url` may not be fetched ("scheme 'file' is not http or https", "host 'x' is not among the
    /// allowed hosts: a, b", ...); empty when it may. Addresses are judged when connecting (HttpClient).
    std::string refusal(const WebUrl& url) const;
};

}  // namespace dateline::indexer
