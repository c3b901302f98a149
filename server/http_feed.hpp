// The Atom feed of a search (RFC 4287): the newest articles of the same query and filters, written with
// libxml2's text writer, with the validators of a conditional GET (ETag, Last-Modified).
#pragma once

#include "http_params.hpp"
#include "searcher/searcher.hpp"

#include "common/language.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dateline::server {

/// What a feed says about itself besides its entries.
struct FeedContext {
    std::string site_name = "dateline";
    /// scheme://host[:port] of the server: the feed's ids and links are absolute.
    std::string base_url;
    /// The search (sort, page and size are the feed's own: newest first, one page).
    SearchParams params;
    common::Lang ui = common::Lang::en;
};

/// A rendered feed and its validators.
struct AtomFeed {
    std::string body;
    /// A strong entity tag of what the feed lists (its articles and their dates), quoted: "\"9f2c...\"".
    std::string etag;
    /// The newest entry's date, seconds since the epoch; none for an empty feed.
    std::optional<std::int64_t> last_modified;
};

/// The feed of `response`, a date-ordered search of `context.params`. Entries: id (the article page's
/// URL), title, updated (and published), link to the original (or the article page), summary, places as
/// categories (term: place id, label: its name).
AtomFeed render_atom_feed(const FeedContext& context, const searcher::SearchResponse& response);

/// An HTTP date (RFC 9110 IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::int64_t unix_seconds);

/// Whether a conditional GET with these header values (empty when absent) is answered 304 for `feed`:
/// If-None-Match naming its ETag (or "*"); without If-None-Match, If-Modified-Since not before its
/// Last-Modified.
bool feed_not_modified(const AtomFeed& feed, std::string_view if_none_match, std::string_view if_modified_since);

}  // namespace dateline::server
