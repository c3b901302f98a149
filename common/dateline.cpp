// Datelines: the "CITY (Agency) -" opening of a news story, recognized by its shape alone.
#include "places.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>

namespace dateline::common {

namespace {

/// Length of a dash (hyphen, en dash, em dash) at `at`, or 0.
std::size_t dash_at(std::string_view s, std::size_t at) {
    if (at >= s.size()) return 0;
    if (s[at] == '-') return at + 1 < s.size() && s[at + 1] == '-' ? 2 : 1;
    if (s.compare(at, 3, "\xE2\x80\x93") == 0 || s.compare(at, 3, "\xE2\x80\x94") == 0) return 3;
    return 0;
}

std::size_t skip_spaces(std::string_view s, std::size_t at) {
    while (at < s.size() && (s[at] == ' ' || s[at] == '\t' || s[at] == '\r' || s[at] == '\n')) ++at;
    return at;
}

/// The end of a region segment starting at `at` (after the place's comma): letters, dots, spaces,
/// apostrophes and hyphens up to a comma that a date follows ("Texas, March 3", "N.Y., Jan 5"), a dash
/// after a space or an opening bracket; 0 when the segment holds a digit (it is the date) or ends otherwise.
std::size_t region_after(std::string_view s, std::size_t at) {
    constexpr std::size_t k_max_region_bytes = 24;
    at = skip_spaces(s, at);
    const std::size_t limit = std::min(s.size(), at + k_max_region_bytes);
    std::size_t letters = 0;
    for (std::size_t k = at; k < limit; ++k) {
        const char c = s[k];
        if (c == ',') return letters >= 2 && k + 1 < s.size() && s[k + 1] == ' ' ? k : 0;
        if (c == '(' || (c == '-' && k > at && s[k - 1] == ' ')) {  // "DALLAS, Texas -", "LEEDS, England (AP)"
            std::size_t end = k;
            while (end > at && s[end - 1] == ' ') --end;
            return letters >= 2 ? end : 0;
        }
        if ((c >= '0' && c <= '9') || c == '\n' || c == ')' || c == ';' || c == ':') return 0;
        if (static_cast<unsigned char>(c) >= 0x80 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) ++letters;
    }
    return 0;
}

}  // namespace

std::optional<Dateline> find_dateline(std::string_view body) {
    constexpr std::size_t k_max_place_bytes = 48;
    constexpr std::size_t k_max_date_bytes = 40;
    constexpr std::size_t k_max_agency_bytes = 40;
    std::size_t at = 0;
    if (body.starts_with("\xEF\xBB\xBF")) at = 3;
    at = skip_spaces(body, at);
    const std::size_t begin = at;
    const auto* bytes = reinterpret_cast<const uint8_t*>(body.data());
    const auto n = static_cast<int32_t>(std::min(body.size(), begin + k_max_place_bytes + 1));
    bool has_lower = false;
    std::size_t letters = 0;
    auto i = static_cast<int32_t>(begin);
    // The place: up to a comma, an opening bracket or a dash that follows a space.
    while (true) {
        if (i >= n) return std::nullopt;
        const auto pos = static_cast<std::size_t>(i);
        const char c = body[pos];
        if (c == ',' || c == '(') break;
        if (pos > begin && body[pos - 1] == ' ' && dash_at(body, pos) != 0) break;
        if (dash_at(body, pos) == 3) break;
        // "ST. PAUL", "FT. WORTH": a dot ends a short abbreviation inside the place.
        if (c == '.' && pos + 1 < body.size() && body[pos + 1] == ' ' && pos >= begin + 2 && pos - begin <= 3 &&
            pos + 2 < body.size() && body[pos + 2] != '-') {
            ++i;
            continue;
        }
        if (c == '\n' || c == '.' || c == ':' || c == ';' || c == '"' || c == '!' || c == '?' ||
            (c >= '0' && c <= '9')) {
            return std::nullopt;
        }
        UChar32 cp;
        U8_NEXT(bytes, i, n, cp);
        if (cp < 0) return std::nullopt;
        if (u_isalpha(cp)) {
            ++letters;
            if (u_islower(cp)) has_lower = true;
        }
    }
    std::size_t end = static_cast<std::size_t>(i);
    while (end > begin && body[end - 1] == ' ') --end;
    if (letters < 2) return std::nullopt;
    std::size_t k = static_cast<std::size_t>(i);
    std::size_t region_begin = 0;
    std::size_t region_end = 0;
    if (body[k] == ',') {  // ", Texas, March 3", ", 12 mars", ", June 19"
        const std::size_t region = region_after(body, k + 1);
        if (region != 0) {
            region_begin = skip_spaces(body, k + 1);
            region_end = region;
            k = region;
        }
    }
    if (body[k] == ',') {
        const std::size_t limit = std::min(body.size(), k + k_max_date_bytes);
        ++k;
        while (k < limit && body[k] != '(' && !(body[k - 1] == ' ' && dash_at(body, k) != 0) && dash_at(body, k) != 3) {
            if (body[k] == '\n') return std::nullopt;
            ++k;
        }
        if (k >= limit) return std::nullopt;
    }
    k = skip_spaces(body, k);
    bool agency = false;
    if (k < body.size() && body[k] == '(') {
        const std::size_t close = body.find(')', k);
        if (close == std::string_view::npos || close - k > k_max_agency_bytes ||
            body.substr(k, close - k).find('\n') != std::string_view::npos) {
            return std::nullopt;
        }
        agency = true;
        k = skip_spaces(body, close + 1);
    }
    const std::size_t dash = dash_at(body, k);
    if (dash == 0) return std::nullopt;
    if (has_lower && !agency) return std::nullopt;
    Dateline d;
    d.text = std::string(body.substr(begin, end - begin));
    d.begin = begin;
    d.end = end;
    d.story_begin = skip_spaces(body, k + dash);
    d.region_begin = region_begin;
    d.region_end = region_end;
    return d;
}

}  // namespace dateline::common
