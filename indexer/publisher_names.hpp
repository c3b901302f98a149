// Publisher names: how readers find the name of an article's source in what the input says (a feed's title,
// a scraped site's brand line, the article's URL), before the folder it was found in.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace dateline::indexer {

/// The host name of an absolute http(s) URL, lower case, without a leading "www." ("news.example.mu");
/// empty for anything else.
std::string url_host(std::string_view url);

/// The name of an object's "publisher" as JSON-LD gives it (a NewsArticle's, or a JSON record's): a string, or an
/// Organization's "name" (the first of an array's that has one); empty when there is none.
std::string publisher_of_json(const nlohmann::json& object);

/// The publisher's name in a feed's title, without the section or edition it names beside it:
/// "The Island Post - English edition" → "The Island Post", "World news | The Guardian" → "The Guardian".
/// Of the parts between " - ", " – ", " — ", " | ", " > ", " :: ", " · " or ": ", the one that names the host of
/// `site_url` (the feed's or an item's link: "theguardian.com" names "The Guardian"), else the first.
/// Empty when the title is.
std::string publisher_from_feed_title(std::string_view title, std::string_view site_url);

/// The publisher's name a scraped site's template line gives: a copyright line ("© 2025 The Island Post. All
/// rights reserved.", "Copyright 2019-2024 Island Post Ltd" → "Island Post Ltd"), or a name-like line
/// whose source id is that of the site's source group (group "islandpost", line "The Island Post");
/// empty otherwise.
std::string publisher_from_brand_line(std::string_view line, std::string_view group);

}  // namespace dateline::indexer
