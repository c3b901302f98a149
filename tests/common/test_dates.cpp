// Date parsing: every form news prints, in English and French, and the forms that must be refused.
#include "common/dates.hpp"

#include <catch2/catch.hpp>

#include <string>

using dateline::common::looks_like_date;
using dateline::common::NewsDate;
using dateline::common::parse_news_date;

namespace {

struct DateRow {
    const char* text;
    const char* iso;  // NewsDate::iso() of the result
};

}  // namespace

TEST_CASE("dates as news prints them are read exactly", "[dates]") {
    const DateRow rows[] = {
        // ISO 8601
        {"2024-06-19", "2024-06-19"},
        {"2024-06-19T08:00:00+04:00", "2024-06-19T08:00:00+04:00"},
        {"2024-06-19T08:00:00Z", "2024-06-19T08:00:00Z"},
        {"2024-06-19T08:00:00.123Z", "2024-06-19T08:00:00Z"},
        {"2024-06-19T08:00", "2024-06-19T08:00:00"},
        {"2024-06-19 08:00:00", "2024-06-19T08:00:00"},
        {"2024-06-19T08:00:00-0530", "2024-06-19T08:00:00-05:30"},
        {"  2024-06-19\n", "2024-06-19"},
        // RFC 822 / 1123 (feeds)
        {"Wed, 19 Jun 2024 08:00:00 +0400", "2024-06-19T08:00:00+04:00"},
        {"Tue, 20 Jan 2026 07:45:00 GMT", "2026-01-20T07:45:00Z"},
        {"Wed, 19 Jun 2024 08:00:00 EST", "2024-06-19T08:00:00-05:00"},
        {"19 Jun 2024 08:00 -0000", "2024-06-19T08:00:00Z"},
        {"Fri, 01 Jan 2021 10:00:00 +0400", "2021-01-01T10:00:00+04:00"},
        // English
        {"Thursday, July 25, 2024", "2024-07-25"},
        {"July 25, 2024", "2024-07-25"},
        {"July 25th, 2024", "2024-07-25"},
        {"25 July 2024", "2024-07-25"},
        {"25th of July 2024", "2024-07-25"},
        {"Jul. 25, 2024", "2024-07-25"},
        {"Sept. 3, 2025", "2025-09-03"},
        {"July 25, 2024 8:30 pm", "2024-07-25T20:30:00"},
        {"July 25, 2024 12:15 am", "2024-07-25T00:15:00"},
        {"Saturday, December 12, 2015", "2015-12-12"},
        {"Thursday, February 29, 2024", "2024-02-29"},
        // French
        {"Samedi 15 juin 2024", "2024-06-15"},
        {"15 juin 2024", "2024-06-15"},
        {"1er mai 2024", "2024-05-01"},
        {"mercredi 1er mai 2024", "2024-05-01"},
        {"le 15 juin 2024", "2024-06-15"},
        {"Mercredi 12 août 2020", "2020-08-12"},
        {"12 aout 2020", "2020-08-12"},
        {"3 févr. 2025", "2025-02-03"},
        {"25 déc. 2024", "2024-12-25"},
        {"Jeudi 25 juillet 2024", "2024-07-25"},
        {"15\u00a0juin\u00a02024", "2024-06-15"},
        {"le 15 juin 2024 à 14h30", "2024-06-15T14:30:00"},
        {"15 juin 2024, 14h", "2024-06-15T14:00:00"},
        {"15 juin 2024 à 14:30 CEST", "2024-06-15T14:30:00+02:00"},
        {"MARDI 14 OCTOBRE 2025", "2025-10-14"},
        // Numeric, day first; year first
        {"15/06/2024", "2024-06-15"},
        {"15.06.2024", "2024-06-15"},
        {"15-06-2024", "2024-06-15"},
        {"05/06/2024", "2024-06-05"},
        {"2024/06/15", "2024-06-15"},
        {"15/06/2024 08:30", "2024-06-15T08:30:00"},
    };
    for (const auto& row : rows) {
        INFO("text: " << row.text);
        const auto date = parse_news_date(row.text);
        REQUIRE(date.has_value());
        CHECK(date->iso() == row.iso);
    }
}

TEST_CASE("text that is not certainly a date is refused, never guessed", "[dates]") {
    const char* const rows[] = {
        "",
        "   ",
        "tomorrow",
        "July 2024",                       // no day
        "25 July",                         // no year
        "25/06/24",                        // two-digit year
        "Wed, 19 Jun 24 08:00:00 GMT",     // two-digit year (old RFC 822)
        "06/31/2024",                      // month first: 31 is not a month
        "31 June 2024",                    // no such day
        "29 February 2023",                // not a leap year
        "Friday, July 25, 2024",           // the 25th was a Thursday
        "Lundi 15 juin 2024",              // the 15th was a Saturday
        "Published July 25, 2024",         // a word it does not know
        "25 Julember 2024",
        "12abc 2024",
        "2024-13-01",
        "2024-06-19T25:00:00",
        "2024-06-19T08:00:00+99:00",
        "15/06-2024",                      // mixed separators
        "15.06.2024.12",
        "25 July 2024 13:00 pm",
        "99 July 2024",
        "25 July 1066",                    // outside the archive's years
        "The ceasefire of July 25, 2024 held",
    };
    for (const char* text : rows) {
        INFO("text: '" << text << "'");
        CHECK_FALSE(parse_news_date(text).has_value());
    }
}

TEST_CASE("a date keeps its local calendar day and converts to UTC seconds", "[dates]") {
    const auto late = parse_news_date("2016-07-11T01:30:00+04:00");
    REQUIRE(late);
    CHECK(late->yyyymmdd() == "20160711");
    CHECK(late->unix_seconds() == 1468186200);  // 2016-07-10T21:30:00Z
    const auto plain = parse_news_date("1 janvier 1970");
    REQUIRE(plain);
    CHECK(plain->unix_seconds() == 0);
    NewsDate leap_day;
    leap_day.year = 2024;
    leap_day.month = 2;
    leap_day.day = 29;
    CHECK(leap_day.valid());
    leap_day.year = 2100;
    CHECK_FALSE(leap_day.valid());
}

TEST_CASE("date-shaped text is recognised even when it cannot be read", "[dates]") {
    CHECK(looks_like_date("Thursday, July 32, 2024"));
    CHECK(looks_like_date("Samedi 15 juin 2024"));
    CHECK(looks_like_date("15/06/2024"));
    CHECK(looks_like_date("Friday, July 25, 2024"));
    CHECK_FALSE(looks_like_date("Port Louis"));
    CHECK_FALSE(looks_like_date("26.2 C"));
    CHECK_FALSE(looks_like_date("Nearly 200 countries adopted a landmark agreement in 2015 in May and June"));
    CHECK_FALSE(looks_like_date("Must Read"));
}
