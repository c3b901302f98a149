// Publisher names from feed titles, brand lines and URLs.
#include "publisher_names.hpp"

#include "common/schema.hpp"
#include "common/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <vector>

namespace dateline::indexer {

namespace {

std::string_view trim(std::string_view s) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

std::size_t word_count(std::string_view s) {
    std::size_t words = 0;
    bool in_word = false;
    for (const char c : s) {
        const bool space = c == ' ' || c == '\t';
        if (!space && !in_word) ++words;
        in_word = !space;
    }
    return words;
}

bool has_letter(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
    });
}

/// Whether `name` names the host: the source id of one of the host's labels (at least 3 characters; "www"
/// and the last label, the top-level domain, left out) holds the name's id or is held by it.
bool names_host(std::string_view name, std::string_view host) {
    const std::string id = common::schema::source_id(name);
    if (id.size() < 3) return false;
    std::vector<std::string_view> labels;
    for (std::size_t at = 0; at <= host.size();) {
        const std::size_t dot = std::min(host.find('.', at), host.size());
        labels.push_back(host.substr(at, dot - at));
        at = dot + 1;
    }
    if (labels.size() > 1) labels.pop_back();
    return std::any_of(labels.begin(), labels.end(), [&](std::string_view label) {
        const std::string label_id = common::schema::source_id(label);
        return label_id.size() >= 3 && (id.find(label_id) != std::string::npos || label_id.find(id) != std::string::npos);
    });
}

std::string organization_name(const nlohmann::json& value, int depth = 0) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array() && depth < 2) {
        for (const auto& item : value) {
            if (std::string name = organization_name(item, depth + 1); !name.empty()) return name;
        }
    }
    if (value.is_object()) {
        if (const auto name = value.find("name"); name != value.end() && name->is_string()) return name->get<std::string>();
    }
    return {};
}

}  // namespace

std::string publisher_of_json(const nlohmann::json& object) {
    if (!object.is_object()) return {};
    const auto publisher = object.find("publisher");
    return publisher == object.end() ? std::string() : organization_name(*publisher);
}

std::string url_host(std::string_view url) {
    const std::string lower = common::ascii_lower(url.substr(0, std::min<std::size_t>(url.size(), 8)));
    std::size_t start = 0;
    if (lower.starts_with("https://")) {
        start = 8;
    } else if (lower.starts_with("http://")) {
        start = 7;
    } else {
        return {};
    }
    std::string_view rest = url.substr(start);
    rest = rest.substr(0, std::min(rest.find_first_of("/?#"), rest.size()));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);  // user:password@
    if (const auto colon = rest.find(':'); colon != std::string_view::npos) rest = rest.substr(0, colon);
    std::string host = common::ascii_lower(rest);
    while (!host.empty() && host.back() == '.') host.pop_back();
    if (host.starts_with("www.")) host.erase(0, 4);
    if (host.find('.') == std::string::npos && host != "localhost") return {};
    return host;
}

std::string publisher_from_feed_title(std::string_view title, std::string_view site_url) {
    static constexpr auto k_separators = std::to_array<std::string_view>(
        {" - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " | ", " > ", " :: ", " \xC2\xB7 ", ": "});
    std::vector<std::string_view> parts{trim(title)};
    for (const std::string_view separator : k_separators) {
        std::vector<std::string_view> split;
        for (const std::string_view part : parts) {
            std::size_t at = 0;
            for (std::size_t found; (found = part.find(separator, at)) != std::string_view::npos; at = found + separator.size()) {
                split.push_back(trim(part.substr(at, found - at)));
            }
            split.push_back(trim(part.substr(at)));
        }
        parts = std::move(split);
    }
    std::erase_if(parts, [](std::string_view part) { return !has_letter(part); });
    if (parts.empty()) return std::string(trim(title));
    const std::string host = url_host(site_url);
    if (!host.empty()) {
        for (const std::string_view part : parts) {
            if (names_host(part, host)) return std::string(part);
        }
    }
    return std::string(parts.front());
}

std::string publisher_from_brand_line(std::string_view line, std::string_view group) {
    line = trim(line);
    if (line.empty() || line.size() > 120) return {};
    std::string_view name = line;
    const std::string lower = common::ascii_lower(line);
    bool copyright = false;
    for (const std::string_view mark : {std::string_view("\xC2\xA9"), std::string_view("(c)"), std::string_view("copyright")}) {
        if (lower.starts_with(mark)) {
            name.remove_prefix(mark.size());
            copyright = true;
            break;
        }
    }
    if (copyright) {
        // "© 2019-2024 The Island Post. All rights reserved.": the name after the years, up to its end.
        while (!name.empty() && (name.front() == ' ' || name.front() == '-' || name.front() == ',' ||
                                 (name.front() >= '0' && name.front() <= '9') || name.starts_with("\xC2\xA9") ||
                                 name.starts_with("\xE2\x80\x93"))) {
            name.remove_prefix(name.starts_with("\xC2\xA9") ? 2 : name.starts_with("\xE2\x80\x93") ? 3 : 1);
        }
        std::size_t end = name.size();
        for (const std::string_view stop : {". ", " | ", ", ", " - ", " \xE2\x80\x93 ", " \xC2\xB7 "}) end = std::min(end, name.find(stop));
        name = trim(name.substr(0, end));
        if (name.ends_with('.')) name.remove_suffix(1);
        if (!has_letter(name) || word_count(name) > 6) return {};
        return std::string(name);
    }
    // A line naming the source group itself: the group's folder says "islandpost", the line "The Island Post".
    if (word_count(line) > 6 || !has_letter(line)) return {};
    const std::string id = common::schema::source_id(line);
    if (id.empty() || id != common::schema::source_id(group)) return {};
    return std::string(line);
}

}  // namespace dateline::indexer
