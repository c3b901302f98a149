// Date parsing for English and French news: ISO 8601, RFC 822, written-out and day-first numeric forms.
#include "dates.hpp"

#include "text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <vector>

namespace dateline::common {
namespace {

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
    static constexpr std::array<int, 12> k_days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : k_days[static_cast<std::size_t>(m - 1)];
}

struct MonthName {
    std::string_view name;
    int month;
};
// Folded (lower case, no accents) month names and abbreviations, English and French.
constexpr auto k_months = std::to_array<MonthName>({
    {"january", 1}, {"jan", 1}, {"janvier", 1}, {"janv", 1},
    {"february", 2}, {"feb", 2}, {"fevrier", 2}, {"fev", 2}, {"fevr", 2},
    {"march", 3}, {"mar", 3}, {"mars", 3},
    {"april", 4}, {"apr", 4}, {"avril", 4}, {"avr", 4},
    {"may", 5}, {"mai", 5},
    {"june", 6}, {"jun", 6}, {"juin", 6},
    {"july", 7}, {"jul", 7}, {"juillet", 7}, {"juil", 7},
    {"august", 8}, {"aug", 8}, {"aout", 8},
    {"september", 9}, {"sep", 9}, {"sept", 9}, {"septembre", 9},
    {"october", 10}, {"oct", 10}, {"octobre", 10},
    {"november", 11}, {"nov", 11}, {"novembre", 11},
    {"december", 12}, {"dec", 12}, {"decembre", 12},
});
constexpr auto k_weekdays = std::to_array<std::string_view>({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lun", "mer", "jeu", "ven", "sam", "dim",
});
constexpr auto k_fillers = std::to_array<std::string_view>({"le", "the", "of", "de", "du", "on", "at", "a"});

std::optional<int> month_from_name(std::string_view folded) {
    for (const auto& m : k_months) {
        if (m.name == folded) return m.month;
    }
    return std::nullopt;
}

struct Piece {
    std::string text;  // folded
    bool number = false;
};

/// Splits into numbers and words, dropping punctuation; "1er" → 1.
std::vector<Piece> pieces(std::string_view folded) {
    std::vector<Piece> out;
    std::string cur;
    bool cur_number = false;
    auto flush = [&] {
        if (!cur.empty()) out.push_back({cur, cur_number});
        cur.clear();
    };
    for (char c : folded) {
        const bool digit = c >= '0' && c <= '9';
        const bool alpha = (c >= 'a' && c <= 'z');
        if (digit) {
            if (!cur.empty() && !cur_number) flush();
            cur_number = true;
            cur.push_back(c);
        } else if (alpha) {
            if (!cur.empty() && cur_number) {
                // Ordinal suffixes glued to the day: 1er, 2nd, 3rd, 25th.
                cur.push_back(c);
                std::string suffix;
                std::size_t k = cur.find_first_not_of("0123456789");
                suffix = cur.substr(k);
                if (suffix == "e" || suffix == "er" || suffix == "s" || suffix == "st" || suffix == "n" ||
                    suffix == "nd" || suffix == "r" || suffix == "rd" || suffix == "t" || suffix == "th" ||
                    suffix == "re") {
                    continue;
                }
                return {};  // "12abc": not a date
            }
            cur_number = false;
            cur.push_back(c);
        } else {
            flush();
        }
    }
    flush();
    for (auto& p : out) {
        if (p.number) p.text = p.text.substr(0, p.text.find_first_not_of("0123456789"));
    }
    return out;
}

std::optional<NewsDate> make(int y, int m, int d) {
    NewsDate date;
    date.year = y;
    date.month = m;
    date.day = d;
    if (!date.valid()) return std::nullopt;
    return date;
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

/// ISO 8601: YYYY-MM-DD with optional THH:MM[:SS[.fff]] and Z or ±HH[:]MM.
std::optional<NewsDate> parse_iso(std::string_view s) {
    auto digits = [&](std::size_t at, std::size_t n) {
        if (at + n > s.size()) return false;
        for (std::size_t k = at; k < at + n; ++k) {
            if (s[k] < '0' || s[k] > '9') return false;
        }
        return true;
    };
    if (!digits(0, 4) || s.size() < 10 || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2)) {
        return std::nullopt;
    }
    auto date = make(to_int(s.substr(0, 4)), to_int(s.substr(5, 2)), to_int(s.substr(8, 2)));
    if (!date) return std::nullopt;
    std::size_t at = 10;
    if (at == s.size()) return date;
    if (s[at] != 'T' && s[at] != ' ' && s[at] != 't') return std::nullopt;
    ++at;
    if (!digits(at, 2) || at + 2 >= s.size() || s[at + 2] != ':' || !digits(at + 3, 2)) return std::nullopt;
    const int h = to_int(s.substr(at, 2));
    const int mi = to_int(s.substr(at + 3, 2));
    int sec = 0;
    at += 5;
    if (at < s.size() && s[at] == ':') {
        if (!digits(at + 1, 2)) return std::nullopt;
        sec = to_int(s.substr(at + 1, 2));
        at += 3;
        if (at < s.size() && (s[at] == '.' || s[at] == ',')) {
            ++at;
            while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
        }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    date->hour = h;
    date->minute = mi;
    date->second = sec;
    if (at == s.size()) return date;
    if (s[at] == 'Z' || s[at] == 'z') {
        date->utc_offset_minutes = 0;
        return at + 1 == s.size() ? date : std::nullopt;
    }
    if (s[at] != '+' && s[at] != '-') return std::nullopt;
    const int sign = s[at] == '-' ? -1 : 1;
    ++at;
    if (!digits(at, 2)) return std::nullopt;
    const int oh = to_int(s.substr(at, 2));
    at += 2;
    int om = 0;
    if (at < s.size() && s[at] == ':') ++at;
    if (at < s.size()) {
        if (!digits(at, 2)) return std::nullopt;
        om = to_int(s.substr(at, 2));
        at += 2;
    }
    if (at != s.size() || oh > 14 || om > 59) return std::nullopt;
    date->utc_offset_minutes = sign * (oh * 60 + om);
    return date;
}

/// "08:00:00 +0400", "08:00 GMT" after an RFC 822 date.
void parse_time_suffix(std::string_view rest, NewsDate& date) {
    int h = 0, mi = 0, sec = 0;
    char zone[16] = {0};
    const std::string copy(rest);
    const int n = std::sscanf(copy.c_str(), " %d:%d:%d %15s", &h, &mi, &sec, zone);
    if (n < 2 || h > 23 || mi > 59 || sec > 60) return;
    date.hour = h;
    date.minute = mi;
    date.second = n >= 3 ? sec : 0;
    const std::string z(zone);
    if (z == "GMT" || z == "UT" || z == "UTC" || z == "Z") {
        date.utc_offset_minutes = 0;
    } else if (z.size() == 5 && (z[0] == '+' || z[0] == '-') &&
               std::all_of(z.begin() + 1, z.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        const int v = to_int(std::string_view(z).substr(1, 2)) * 60 + to_int(std::string_view(z).substr(3, 2));
        date.utc_offset_minutes = z[0] == '-' ? -v : v;
    }
}

}  // namespace

bool NewsDate::valid() const noexcept {
    return year >= 1800 && year <= 2200 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

std::string NewsDate::yyyymmdd() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d", year, month, day);
    return buf;
}

std::string NewsDate::iso() const {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    std::string out = buf;
    if (hour) {
        std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", *hour, minute.value_or(0), second.value_or(0));
        out += buf;
        if (utc_offset_minutes) {
            const int off = *utc_offset_minutes;
            if (off == 0) {
                out += 'Z';
            } else {
                const int a = off < 0 ? -off : off;
                std::snprintf(buf, sizeof buf, "%c%02d:%02d", off < 0 ? '-' : '+', a / 60, a % 60);
                out += buf;
            }
        }
    }
    return out;
}

std::int64_t days_from_civil(int y, int m, int d) noexcept {
    // Howard Hinnant's well-known civil-from-days inverse (a published algorithm).
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t NewsDate::unix_seconds() const {
    std::int64_t t = days_from_civil(year, month, day) * 86400;
    t += static_cast<std::int64_t>(hour.value_or(0)) * 3600 + minute.value_or(0) * 60 + second.value_or(0);
    t -= static_cast<std::int64_t>(utc_offset_minutes.value_or(0)) * 60;
    return t;
}

std::optional<NewsDate> parse_news_date(std::string_view raw) {
    std::string_view text = raw;
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' || text.front() == '\r')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    if (text.empty() || text.size() > 80) return std::nullopt;
    if (auto iso = parse_iso(text)) return iso;

    const std::string folded = fold_for_match(text);
    std::vector<Piece> ps = pieces(folded);
    // Time of day and zone after the date (RFC 822): cut at the first "hh:" pattern.
    std::string_view time_rest;
    if (const auto colon = text.find(':'); colon != std::string_view::npos && colon >= 2) {
        std::size_t start = colon;
        while (start > 0 && text[start - 1] >= '0' && text[start - 1] <= '9') --start;
        time_rest = text.substr(start);
        const std::string head = fold_for_match(text.substr(0, start));
        ps = pieces(head);
    }
    std::vector<Piece> kept;
    for (const auto& p : ps) {
        if (!p.number && (std::find(k_weekdays.begin(), k_weekdays.end(), p.text) != k_weekdays.end() ||
                          std::find(k_fillers.begin(), k_fillers.end(), p.text) != k_fillers.end())) {
            continue;
        }
        kept.push_back(p);
    }
    std::optional<NewsDate> date;
    if (kept.size() == 3) {
        const auto& a = kept[0];
        const auto& b = kept[1];
        const auto& c = kept[2];
        if (a.number && !b.number && c.number && c.text.size() == 4) {  // 25 July 2024
            if (auto m = month_from_name(b.text)) date = make(to_int(c.text), *m, to_int(a.text));
        } else if (!a.number && b.number && c.number && c.text.size() == 4) {  // July 25, 2024
            if (auto m = month_from_name(a.text)) date = make(to_int(c.text), *m, to_int(b.text));
        } else if (a.number && b.number && c.number && c.text.size() == 4 && a.text.size() <= 2 &&
                   b.text.size() <= 2) {
            // Day-first numeric (15/06/2024): the convention of both French and Mauritian English papers.
            const std::string raw_text(text);
            if (raw_text.find_first_of("/.-") != std::string::npos) {
                date = make(to_int(c.text), to_int(b.text), to_int(a.text));
            }
        }
    }
    if (date && !time_rest.empty()) parse_time_suffix(time_rest, *date);
    return date;
}

}  // namespace dateline::common
