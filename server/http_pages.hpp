// The server-rendered pages: search results (with timeline, places, chips, paging) and an article page,
// in English or French, working without JavaScript. They render the searcher's answers (SearchResponse) as
// they are: text escaped by HtmlWriter, the highlighted title and snippet escaped once by the searcher's
// render_html (title_html, snippet_html), as the API's JSON carries them.
#pragma once

#include "http_params.hpp"
#include "searcher/searcher.hpp"

#include "common/article.hpp"
#include "common/language.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dateline::server {

/// What every page needs to know besides its data.
struct PageContext {
    /// Interface language (en or fr).
    common::Lang ui = common::Lang::en;
    std::string site_name = "dateline";
    /// The current search, carried by every link (params.ui keeps a language chosen with ?ui=).
    SearchParams params;
};

/// Data of a results page.
struct SearchPageData {
    /// The search's answer, none when it failed. With params.drill, its facets include the months of the
    /// drilled year.
    std::optional<searcher::SearchResponse> response;
    /// Shown instead of results (bad parameters, failed search).
    std::string error;
};

/// The results page (also the home page when there is no query).
std::string render_search_page(const PageContext& context, const SearchPageData& data);

/// An article: its text, places (`place_labels[k]` names article.places[k]), link to the original, and
/// related articles (none when they could not be found).
std::string render_article_page(const PageContext& context, const common::Article& article,
                                const std::vector<std::string>& place_labels, const std::optional<searcher::SearchResponse>& related);

/// A page saying what went wrong (unknown article, bad request), with a search box.
std::string render_message_page(const PageContext& context, const std::string& heading, const std::string& message);

/// The OpenSearch description pointing browsers at `base_url` (scheme://host[:port]).
std::string render_opensearch(const std::string& site_name, const std::string& base_url);

}  // namespace dateline::server
