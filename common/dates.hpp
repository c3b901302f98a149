// Publication dates: the NewsDate value and parsing of the forms English and French news print.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dateline::common {

/// A publication date, with the time of day and UTC offset when the source gives them.
struct NewsDate {
    int year = 0;
    int month = 0;  ///< 1..12
    int day = 0;    ///< 1..31
    std::optional<int> hour;
    std::optional<int> minute;
    std::optional<int> second;
    /// Offset from UTC in minutes, when the source states it.
    std::optional<int> utc_offset_minutes;

    /// "YYYY-MM-DD", or "YYYY-MM-DDTHH:MM:SS±HH:MM" / "...Z" when the time is known.
    std::string iso() const;
    /// "YYYYMMDD" (sortable; the date value slot).
    std::string yyyymmdd() const;
    /// Seconds since 1970-01-01T00:00:00Z (midnight UTC when no time is known).
    std::int64_t unix_seconds() const;
    /// True for a real calendar date (leap years checked).
    bool valid() const noexcept;
    friend bool operator==(const NewsDate&, const NewsDate&) = default;
};

/// Days in month `m` (1..12) of year `y`, leap years counted.
int days_in_month(int y, int m) noexcept;

/// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar.
std::int64_t days_from_civil(int y, int m, int d) noexcept;

/// Parses a date as news prints it: ISO 8601 with or without time and zone ("2024-06-19",
/// "2024-06-19T08:00:00+04:00"), RFC 822/1123 ("Wed, 19 Jun 2024 08:00:00 +0400", also EST/PDT/CET
/// zones), English ("Thursday, July 25, 2024", "July 25th, 2024", "25 July 2024", "July 25, 2024 8:30 pm"),
/// French ("Samedi 15 juin 2024", "15 juin 2024", "1er mai 2024", "le 15 juin 2024 à 14h30"),
/// day-first numeric ("15/06/2024", "15.06.2024", "15-06-2024") and year-first ("2024/06/15").
/// Returns std::nullopt when the text is not a date it can read with certainty: never a guess. So a
/// two-digit year, a weekday that contradicts the date, an impossible day (31 June), a month-first
/// numeric date (06/31/2024) or any word it does not know all give std::nullopt.
std::optional<NewsDate> parse_news_date(std::string_view text);

/// True when short text has the shape of a date (a plausible year with a month name, or three numbers)
/// whether or not parse_news_date can read it: such text is reported as an unreadable date, not ignored.
bool looks_like_date(std::string_view text);

/// True for a folded month or weekday name written in full, English or French ("june", "juin", "mardi"),
/// and the abbreviations that are no other word ("sept", "janv"): words that date a text without saying
/// what it is about.
bool is_date_word(std::string_view folded) noexcept;

}  // namespace dateline::common
