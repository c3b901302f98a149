// The parameters of a search as the API and the pages take them (q, from, to, place, lang, source, sort,
// page, size, facets, collapse, drill, ui, translate, terms), their checks against the server's limits, and the links that carry them.
#pragma once

#include "http_config.hpp"
#include "searcher/searcher.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace dateline::server {

/// Query-string parameters, decoded (httplib::Params is this type).
using QueryParams = std::multimap<std::string, std::string>;

/// Which routes the parameters come from: the API rejects unknown names, pages ignore them.
enum class ParamStrictness { api, page };

/// A search as given in a URL.
struct SearchParams {
    std::string q;
    std::string from;
    std::string to;
    /// Place id filter ("KP", "gn2013348").
    std::string place;
    std::string lang;
    std::string source;
    /// "relevance", "date", "recent", or empty for the default (date order when there is no query text).
    std::string sort;
    /// 1-based page number and results per page.
    std::size_t page = 1;
    std::size_t size = 10;
    bool facets = true;
    /// Fold near-duplicates into one result with a count ("3 similar").
    bool collapse = true;
    /// Also search the words' translations into the other language (translate=0 turns it off).
    bool translate = true;
    /// Date facet drill-down: "YYYY" counts the months of that year, "YYYY-MM" the days of that month.
    std::string drill;
    /// The words that characterise each period of the timeline (terms=1 / terms=0); unset: the route's
    /// default (on in the page, off in the API).
    std::optional<bool> terms;
    /// Interface language asked for ("en", "fr"; also the language of place labels), empty to follow
    /// Accept-Language.
    std::string ui;
};

/// Reads and checks the parameters. Throws common::UsageError with a message naming the parameter, the
/// bad value and what is accepted (unknown or repeated parameter, query too long, bad number, page
/// beyond the result window).
SearchParams parse_search_params(const QueryParams& params, const RequestLimits& limits, ParamStrictness strictness);

/// The library request for these parameters; place labels in `ui_lang`.
searcher::SearchRequest to_search_request(const SearchParams& params, common::Lang ui_lang);

/// "q=...&from=..." with only the parameters that differ from the defaults, for links between pages.
std::string to_query_string(const SearchParams& params);

/// The interface language for an Accept-Language header ("fr-CA,fr;q=0.9,en;q=0.8" → "fr"): the
/// preferred of English and French, English when neither is listed.
std::string ui_language_from_header(std::string_view accept_language);

/// A value from a request as messages show it: at most 100 bytes, cut between characters, "…" if cut.
std::string shown(std::string_view value);

/// Reads a positive decimal integer parameter; throws common::UsageError naming `name`.
std::size_t parse_count(std::string_view name, std::string_view value, std::size_t min, std::size_t max);

}  // namespace dateline::server
