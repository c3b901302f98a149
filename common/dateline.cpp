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
    if (body[k] == ',') {  // ", 12 mars", ", June 19"
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
    return d;
}

}  // namespace dateline::common
