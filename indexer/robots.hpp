// robots.txt as RFC 9309 reads it: groups by user agent, Allow/Disallow with `*` and `$`, the longest match
// deciding (Allow on a tie); also the Crawl-delay of the group and the Sitemap lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dateline::indexer {

/// The rules of one site's robots.txt for one crawler.
class RobotsRules {
  public:
    /// Everything allowed (no robots.txt, or one answered 4xx).
    RobotsRules() = default;
    /// Nothing allowed but /robots.txt (a robots.txt answered 5xx or unreachable: RFC 9309 2.3.1.4).
    static RobotsRules disallow_all();

    /// Reads `text` for the crawler whose product token is `product` ("dateline", matched case-insensitively
    /// against each group's user-agent lines; the groups naming it are merged, else those of `*`).
    /// Lines that cannot be read are ignored, as the RFC asks; at most 500 KiB are read.
    static RobotsRules parse(std::string_view text, std::string_view product);

    /// True when `path` ("/a/b?q", percent-encoded as sent) may be fetched.
    bool allowed(std::string_view path) const;
    /// The matching rule that decided, for messages ("Disallow: /private/"); empty when none matched.
    std::string deciding_rule(std::string_view path) const;
    /// The group's Crawl-delay in seconds, when it gives one.
    std::optional<double> crawl_delay() const noexcept { return m_crawl_delay; }
    /// Every Sitemap line of the file (they belong to no group), as written.
    const std::vector<std::string>& sitemaps() const noexcept { return m_sitemaps; }

  private:
    struct Rule {
        bool allow = false;
        std::string pattern;
    };
    const Rule* decide(std::string_view path) const;
    std::vector<Rule> m_rules;
    std::optional<double> m_crawl_delay;
    std::vector<std::string> m_sitemaps;
};

/// True when robots.txt `pattern` (with `*` for any run of characters and a final `$` for the end) matches
/// the start of `path`. Percent-encoded bytes of unreserved characters match the characters themselves.
bool robots_pattern_matches(std::string_view pattern, std::string_view path);

}  // namespace dateline::indexer
