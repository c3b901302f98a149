// Date parsing for English and French news: ISO 8601, RFC 822, written-out and day-first numeric forms.
#include "dates.hpp"

#include "text.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <span>
#include <vector>

namespace dateline::common {
namespace {


struct NamedNumber {
    std::string_view name;
    int value;
};
// Folded (lower case, no accents) month names and abbreviations, English and French.
constexpr auto k_months = std::to_array<NamedNumber>({
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
// Weekdays, 0 = Monday.
constexpr auto k_weekdays = std::to_array<NamedNumber>({
    {"monday", 0}, {"mon", 0}, {"lundi", 0}, {"lun", 0},
    {"tuesday", 1}, {"tue", 1}, {"tues", 1}, {"mardi", 1}, {"mar", 1},
    {"wednesday", 2}, {"wed", 2}, {"mercredi", 2}, {"mer", 2},
    {"thursday", 3}, {"thu", 3}, {"thur", 3}, {"thurs", 3}, {"jeudi", 3}, {"jeu", 3},
    {"friday", 4}, {"fri", 4}, {"vendredi", 4}, {"ven", 4},
    {"saturday", 5}, {"sat", 5}, {"samedi", 5}, {"sam", 5},
    {"sunday", 6}, {"sun", 6}, {"dimanche", 6}, {"dim", 6},
});
// Words news puts around a date that carry no information: "le 15 juin", "on July 25", "25 of July".
constexpr auto k_fillers = std::to_array<std::string_view>({"le", "the", "of", "de", "du", "on", "at", "a", "et"});
// Ordinal suffixes glued to a day number: 1er, 1re, 2e, 2eme, 1st, 2nd, 3rd, 25th.
constexpr auto k_ordinals = std::to_array<std::string_view>({"er", "re", "e", "eme", "st", "nd", "rd", "th"});
// Time zone names after a time (RFC 822 and the ones French sites print), minutes east of UTC.
constexpr auto k_zones = std::to_array<NamedNumber>({
    {"gmt", 0}, {"ut", 0}, {"utc", 0}, {"z", 0},
    {"est", -300}, {"edt", -240}, {"cst", -360}, {"cdt", -300},
    {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
    {"cet", 60}, {"cest", 120},
});

std::optional<int> lookup(std::span<const NamedNumber> table, std::string_view name) {
    for (const auto& entry : table) {
        if (entry.name == name) return entry.value;
    }
    return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
// After folding, every month, weekday and zone name is ASCII; other bytes (NBSP, dashes) separate pieces.
bool is_alpha(char c) { return c >= 'a' && c <= 'z'; }

/// The number the digits `s` spell; saturates at 10^8 (no date part is that long), so that it cannot overflow.
int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = std::min(v * 10 + (c - '0'), 100'000'000);
    return v;
}

std::optional<NewsDate> make(int y, int m, int d) {
    NewsDate date;
    date.year = y;
    date.month = m;
    date.day = d;
    if (!date.valid()) return std::nullopt;
    return date;
}

/// ISO 8601: YYYY-MM-DD with optional THH:MM[:SS[.fff]] and Z or ±HH[:]MM.
std::optional<NewsDate> parse_iso(std::string_view s) {
    auto digits = [&](std::size_t at, std::size_t n) {
        if (at + n > s.size()) return false;
        for (std::size_t k = at; k < at + n; ++k) {
            if (!is_digit(s[k])) return false;
        }
        return true;
    };
    if (s.size() < 10 || !digits(0, 4) || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2)) {
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
            while (at < s.size() && is_digit(s[at])) ++at;
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

/// One lexical piece of a written date.
struct Piece {
    enum class Kind { number, word, time, zone, separator } kind = Kind::word;
    std::string text;    // number digits, word letters, or the separator character
    bool ordinal = false;  // a number with an ordinal suffix ("1er", "25th")
    int hour = 0, minute = 0, second = 0;
    bool has_second = false;
    int offset = 0;  // zone: minutes east of UTC
};

/// Splits folded text into numbers, words, times (08:00, 14h30) and zones (+0400, GMT).
/// Returns nothing when a piece cannot belong to a date ("12abc").
std::optional<std::vector<Piece>> lex(std::string_view s) {
    std::vector<Piece> out;
    bool seen_time = false;
    std::size_t i = 0;
    const std::size_t n = s.size();
    auto digits_at = [&](std::size_t at) {
        std::size_t e = at;
        while (e < n && is_digit(s[e])) ++e;
        return e - at;
    };
    while (i < n) {
        const char c = s[i];
        if ((c == '+' || c == '-') && seen_time) {
            // A numeric zone after the time: +0400, -04:00, +04.
            const std::size_t d = digits_at(i + 1);
            if (d == 4 || d == 2) {
                int hours = to_int(s.substr(i + 1, 2));
                int minutes = d == 4 ? to_int(s.substr(i + 3, 2)) : 0;
                std::size_t end = i + 1 + d;
                if (d == 2 && end < n && s[end] == ':' && digits_at(end + 1) == 2) {
                    minutes = to_int(s.substr(end + 1, 2));
                    end += 3;
                }
                if (hours > 14 || minutes > 59) return std::nullopt;
                Piece p;
                p.kind = Piece::Kind::zone;
                p.offset = (c == '-' ? -1 : 1) * (hours * 60 + minutes);
                out.push_back(p);
                i = end;
                continue;
            }
        }
        if (is_digit(c)) {
            const std::size_t d = digits_at(i);
            std::string number(s.substr(i, d));
            std::size_t at = i + d;
            // Time of day: hh:mm[:ss] or the French 14h30 / 14h.
            if (d <= 2 && at < n && s[at] == ':' && digits_at(at + 1) == 2) {
                Piece p;
                p.kind = Piece::Kind::time;
                p.hour = to_int(number);
                p.minute = to_int(s.substr(at + 1, 2));
                at += 3;
                if (at < n && s[at] == ':' && digits_at(at + 1) == 2) {
                    p.second = to_int(s.substr(at + 1, 2));
                    p.has_second = true;
                    at += 3;
                }
                if (p.hour > 23 || p.minute > 59 || p.second > 60) return std::nullopt;
                out.push_back(p);
                seen_time = true;
                i = at;
                continue;
            }
            if (d <= 2 && at < n && s[at] == 'h' && (at + 1 == n || !is_alpha(s[at + 1]))) {
                Piece p;
                p.kind = Piece::Kind::time;
                p.hour = to_int(number);
                ++at;
                if (digits_at(at) == 2) {
                    p.minute = to_int(s.substr(at, 2));
                    at += 2;
                }
                if (p.hour > 23 || p.minute > 59) return std::nullopt;
                out.push_back(p);
                seen_time = true;
                i = at;
                continue;
            }
            Piece p;
            p.kind = Piece::Kind::number;
            p.text = std::move(number);
            if (at < n && is_alpha(s[at])) {
                std::size_t e = at;
                while (e < n && is_alpha(s[e])) ++e;
                const std::string_view suffix = s.substr(at, e - at);
                if (std::find(k_ordinals.begin(), k_ordinals.end(), suffix) == k_ordinals.end()) return std::nullopt;
                p.ordinal = true;
                at = e;
            }
            out.push_back(std::move(p));
            i = at;
            continue;
        }
        if (is_alpha(c)) {
            std::size_t e = i;
            while (e < n && is_alpha(s[e])) ++e;
            Piece p;
            p.text = std::string(s.substr(i, e - i));
            if (seen_time) {
                if (auto zone = lookup(k_zones, p.text)) {
                    p.kind = Piece::Kind::zone;
                    p.offset = *zone;
                }
            }
            out.push_back(std::move(p));
            i = e;
            continue;
        }
        if (c == '/' || c == '.' || c == '-') {
            Piece p;
            p.kind = Piece::Kind::separator;
            p.text = std::string(1, c);
            out.push_back(std::move(p));
        }
        ++i;  // spaces, commas, brackets and other punctuation separate pieces
    }
    return out;
}

/// Weekday of a valid date, 0 = Monday.
int weekday_of(const NewsDate& d) {
    const std::int64_t days = days_from_civil(d.year, d.month, d.day);
    // 1970-01-01 was a Thursday (3).
    return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

/// Written and numeric forms: "Thursday, July 25, 2024 08:00 GMT", "Samedi 15 juin 2024 à 14h30", "15/06/2024".
std::optional<NewsDate> parse_written(std::string_view folded) {
    const auto lexed = lex(folded);
    if (!lexed) return std::nullopt;
    std::vector<const Piece*> date_part;
    std::optional<int> weekday;
    const Piece* time = nullptr;
    const Piece* zone = nullptr;
    std::optional<int> meridiem;  // 0 am, 12 pm
    std::string separators;       // separators between the date's numbers
    for (const Piece& p : *lexed) {
        switch (p.kind) {
            case Piece::Kind::time:
                if (time) return std::nullopt;
                time = &p;
                continue;
            case Piece::Kind::zone:
                if (zone || !time) return std::nullopt;
                zone = &p;
                continue;
            case Piece::Kind::separator:
                if (!time && !date_part.empty()) separators += p.text;
                continue;
            case Piece::Kind::number:
                if (time) return std::nullopt;  // numbers after the time are not part of a date we know
                date_part.push_back(&p);
                continue;
            case Piece::Kind::word: break;
        }
        if (time && (p.text == "am" || p.text == "pm")) {
            if (meridiem) return std::nullopt;
            meridiem = p.text == "pm" ? 12 : 0;
            continue;
        }
        if (std::find(k_fillers.begin(), k_fillers.end(), p.text) != k_fillers.end()) continue;
        // A leading weekday is checked against the date; "mar" (March or mardi) counts as the month.
        if (date_part.empty() && !weekday) {
            const auto w = lookup(k_weekdays, p.text);
            if (w && !lookup(k_months, p.text)) {
                weekday = *w;
                continue;
            }
        }
        if (time) return std::nullopt;
        date_part.push_back(&p);
    }
    if (date_part.size() != 3) return std::nullopt;
    const Piece& a = *date_part[0];
    const Piece& b = *date_part[1];
    const Piece& c = *date_part[2];
    using K = Piece::Kind;
    std::optional<NewsDate> date;
    if (a.kind == K::number && b.kind == K::word && c.kind == K::number && c.text.size() == 4 && a.text.size() <= 2 &&
        !c.ordinal) {  // 25 July 2024, 1er mai 2024
        if (auto m = lookup(k_months, b.text)) date = make(to_int(c.text), *m, to_int(a.text));
    } else if (a.kind == K::word && b.kind == K::number && c.kind == K::number && c.text.size() == 4 &&
               b.text.size() <= 2 && !c.ordinal) {  // July 25, 2024
        if (auto m = lookup(k_months, a.text)) date = make(to_int(c.text), *m, to_int(b.text));
    } else if (a.kind == K::number && b.kind == K::number && c.kind == K::number && !a.ordinal && !b.ordinal &&
               !c.ordinal && separators.size() == 2 && separators[0] == separators[1]) {
        if (c.text.size() == 4 && a.text.size() <= 2 && b.text.size() <= 2) {
            // Day-first numeric (15/06/2024): the convention of both French and Mauritian English papers.
            date = make(to_int(c.text), to_int(b.text), to_int(a.text));
        } else if (a.text.size() == 4 && b.text.size() <= 2 && c.text.size() <= 2 && separators[0] != '.') {
            date = make(to_int(a.text), to_int(b.text), to_int(c.text));  // 2024/06/15
        }
    }
    if (!date) return std::nullopt;
    // A weekday that contradicts the date means one of them is wrong: we cannot know which.
    if (weekday && *weekday != weekday_of(*date)) return std::nullopt;
    if (time) {
        int hour = time->hour;
        if (meridiem) {
            if (hour < 1 || hour > 12) return std::nullopt;
            hour = hour % 12 + *meridiem;
        }
        date->hour = hour;
        date->minute = time->minute;
        date->second = time->second;
        if (zone) date->utc_offset_minutes = zone->offset;
    } else if (meridiem || zone) {
        return std::nullopt;
    }
    return date;
}

std::string_view trim(std::string_view text) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    return text;
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

int days_in_month(int y, int m) noexcept {
    static constexpr std::array<int, 12> k_days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : k_days[static_cast<std::size_t>(m - 1)];
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
    const std::string_view text = trim(raw);
    if (text.empty() || text.size() > 100) return std::nullopt;
    if (auto iso = parse_iso(text)) return iso;
    return parse_written(fold_for_match(text));
}

bool looks_like_date(std::string_view raw) {
    const std::string_view text = trim(raw);
    if (text.empty() || text.size() > 100) return false;
    const std::string folded = fold_for_match(text);
    bool year = false;
    bool month = false;
    std::size_t numbers = 0;
    std::size_t words = 0;
    std::size_t i = 0;
    while (i < folded.size()) {
        if (is_digit(folded[i])) {
            std::size_t e = i;
            while (e < folded.size() && is_digit(folded[e])) ++e;
            ++numbers;
            if (e - i == 4) {
                const int y = to_int(std::string_view(folded).substr(i, 4));
                year = year || (y >= 1800 && y <= 2200);
            }
            i = e;
        } else if (is_alpha(folded[i])) {
            std::size_t e = i;
            while (e < folded.size() && is_alpha(folded[e])) ++e;
            ++words;
            month = month || lookup(k_months, std::string_view(folded).substr(i, e - i)).has_value();
            i = e;
        } else {
            ++i;
        }
    }
    // A year with a month name, or a year with two more numbers and nothing else, in a short text.
    return year && words <= 6 && (month || (numbers == 3 && words == 0));
}

bool is_date_word(std::string_view folded) noexcept {
    // Three-letter abbreviations ("mar", "sun", "dim", "sat") are also common words, so not these.
    const auto named = [&](std::span<const NamedNumber> table) {
        return std::any_of(table.begin(), table.end(), [&](const NamedNumber& e) { return e.name == folded && (e.name.size() > 3 || e.name == "may" || e.name == "mai"); });
    };
    return named(k_months) || named(k_weekdays);
}

}  // namespace dateline::common
