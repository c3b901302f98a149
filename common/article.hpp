// The Article: one news story as dateline indexes it and stores it for display.
#pragma once

#include "dates.hpp"
#include "language.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dateline::common {

/// A place an article is about, as stored with the article.
struct ArticlePlaceRef {
    /// Canonical id: ISO 3166-1 alpha-2 for countries ("KP"), "gn<GeoNames id>" for cities, "x-..." curated.
    std::string id;
    /// ISO country code of the place ("KP" for Pyongyang; the same as id for a country).
    std::string country;
    /// 0..1: how central the place is to the story (title, lead, dateline, frequency).
    double salience = 0.0;
};

/// One news story.
struct Article {
    /// Stable id: the input's id, else the canonical URL, else a hash of source + title + date.
    std::string id;
    std::string title;
    /// Article text, paragraphs separated by blank lines; site chrome already removed.
    std::string body;
    std::optional<NewsDate> date;
    std::string url;
    /// Site or feed the article comes from.
    std::string source;
    /// Language; Lang::unknown until given by the input or detected.
    Lang lang = Lang::unknown;
    /// True when the input stated the language (it wins over detection).
    bool lang_from_input = false;
    std::vector<ArticlePlaceRef> places;
    /// Place id of the dateline ("MOSCOW (Reuters) -"), if any.
    std::string dateline_place;
    /// Where the article was read: "file:line" (diagnostics and `--explain`).
    std::string origin;

    /// Title for display: the title, or the first words of the body for untitled briefs.
    std::string display_title() const;

    /// The Xapian document data: a one-line JSON object of the fields, a newline, then the body as is.
    std::string to_stored_json() const;
    /// Parses document data written by to_stored_json (or, from earlier builds, one JSON object
    /// holding the body too). Throws EnvironmentError if it is neither.
    static Article from_stored_json(std::string_view json);
};

}  // namespace dateline::common
