// robots.txt parsing and matching (RFC 9309), written from the RFC's rules.
#include "robots.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace dateline::indexer {

namespace {

constexpr std::size_t k_max_robots_bytes = 500 * 1024;  // RFC 9309 2.5: parse at least 500 KiB

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Percent-encoded unreserved characters decoded, other escapes with upper-case hex: the form both patterns
/// and paths are compared in (RFC 3986 6.2.2).
std::string normalise_escapes(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            const char c = static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~') {
                out += c;
            } else {
                out += '%';
                out += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 1])));
                out += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 2])));
            }
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

/// Glob match of `pattern` at the start of `path` (both normalised): `*` any run, `$` at the end anchors.
bool glob_prefix(std::string_view pattern, std::string_view path) {
    const bool anchored = !pattern.empty() && pattern.back() == '$';
    if (anchored) pattern.remove_suffix(1);
    // Iterative matching with backtracking to the last '*': linear in practice, no recursion.
    std::size_t p = 0, s = 0, star = std::string_view::npos, star_s = 0;
    while (true) {
        if (p == pattern.size()) {
            if (!anchored || s == path.size()) return true;
        } else if (pattern[p] == '*') {
            star = p++;
            star_s = s;
            continue;
        } else if (s < path.size() && pattern[p] == path[s]) {
            ++p;
            ++s;
            continue;
        }
        if (star == std::string_view::npos || star_s >= path.size()) return false;
        p = star + 1;
        s = ++star_s;
    }
}

}  // namespace

bool robots_pattern_matches(std::string_view pattern, std::string_view path) {
    return glob_prefix(normalise_escapes(pattern), normalise_escapes(path));
}

RobotsRules RobotsRules::disallow_all() {
    RobotsRules rules;
    rules.m_rules.push_back({false, "/"});
    return rules;
}

RobotsRules RobotsRules::parse(std::string_view text, std::string_view product) {
    text = text.substr(0, std::min(text.size(), k_max_robots_bytes));
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    const std::string token = lower(product);
    struct Group {
        std::vector<std::string> agents;
        std::vector<Rule> rules;
        std::optional<double> delay;
    };
    std::vector<Group> groups;
    RobotsRules out;
    bool in_agents = false;  // the previous line was a user-agent line: consecutive ones share a group
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find_first_of("\r\n", pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string key = lower(trim(line.substr(0, colon)));
        const std::string_view value = trim(line.substr(colon + 1));
        if (key == "user-agent") {
            if (!in_agents) groups.emplace_back();
            groups.back().agents.push_back(lower(value));
            in_agents = true;
            continue;
        }
        if (key == "sitemap") {
            // Not part of any group, and does not end the group's user-agent lines either.
            if (!value.empty()) out.m_sitemaps.emplace_back(value);
            continue;
        }
        in_agents = false;
        if (groups.empty()) continue;  // rules before any user-agent line belong to no group
        if (key == "allow" || key == "disallow") {
            // An empty Disallow allows everything: it is no rule at all.
            if (!value.empty()) groups.back().rules.push_back({key == "allow", std::string(value)});
        } else if (key == "crawl-delay") {
            double seconds = 0;
            const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
            if (ec == std::errc() && ptr == value.data() + value.size() && std::isfinite(seconds) && seconds >= 0) {
                groups.back().delay = seconds;
            }
        }
    }
    // The product token of a user-agent line is its first word, letters, '_' and '-' only (RFC 9309 2.2.1).
    const auto names_us = [&](const std::string& agent) {
        std::size_t n = 0;
        while (n < agent.size() && (std::isalpha(static_cast<unsigned char>(agent[n])) || agent[n] == '_' || agent[n] == '-')) ++n;
        return n > 0 && agent.substr(0, n) == token;
    };
    for (const bool star : {false, true}) {
        bool found = false;
        for (const Group& g : groups) {
            const bool match = std::any_of(g.agents.begin(), g.agents.end(), [&](const std::string& a) { return star ? a == "*" : names_us(a); });
            if (!match) continue;
            found = true;
            out.m_rules.insert(out.m_rules.end(), g.rules.begin(), g.rules.end());
            if (g.delay) out.m_crawl_delay = std::max(out.m_crawl_delay.value_or(0.0), *g.delay);
        }
        if (found) break;
    }
    return out;
}

const RobotsRules::Rule* RobotsRules::decide(std::string_view path) const {
    const Rule* best = nullptr;
    std::size_t best_length = 0;
    for (const Rule& rule : m_rules) {
        if (!robots_pattern_matches(rule.pattern, path)) continue;
        // The most specific rule wins: the one with the most octets; on a tie Allow wins (RFC 9309 2.2.2).
        const std::size_t length = normalise_escapes(rule.pattern).size();
        if (!best || length > best_length || (length == best_length && rule.allow && !best->allow)) {
            best = &rule;
            best_length = length;
        }
    }
    return best;
}

bool RobotsRules::allowed(std::string_view path) const {
    if (path == "/robots.txt") return true;
    const Rule* rule = decide(path);
    return !rule || rule->allow;
}

std::string RobotsRules::deciding_rule(std::string_view path) const {
    const Rule* rule = decide(path);
    return rule ? std::string(rule->allow ? "Allow: " : "Disallow: ") + rule->pattern : std::string();
}

}  // namespace dateline::indexer
