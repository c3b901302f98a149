// The search library: requests, ranked results with extracts, and facet counts over all matches.
#pragma once

#include "index_reader.hpp"

#include "common/article.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dateline::searcher {

/// Result order.
enum class SortOrder { relevance, date, recent };

/// Parses "relevance", "date" or "recent"; throws common::UsageError listing them otherwise.
SortOrder parse_sort_order(std::string_view name);

/// One search.
struct SearchRequest {
    /// Query text in Xapian's syntax (AND, OR, NOT, "phrases", title:, lang:, date:...).
    std::string query;
    /// Inclusive date bounds: "YYYY", "YYYY-MM" or "YYYY-MM-DD".
    std::string from;
    std::string to;
    /// Language filter ("en"/"fr"); empty for all.
    std::string lang;
    /// Source filter; empty for all.
    std::string source;
    SortOrder sort = SortOrder::relevance;
    std::size_t offset = 0;
    std::size_t limit = 10;
    /// Count facets (exact counts over every match).
    bool facets = true;
};

/// A result.
struct SearchHit {
    common::Article article;
    double weight = 0.0;
    /// 1-based rank in the whole result list.
    std::size_t rank = 0;
    /// A short plain-text extract of the body.
    std::string extract;
};

/// A facet value and how many matching articles have it.
struct FacetCount {
    std::string value;
    std::size_t count = 0;
};

/// The answer to a SearchRequest.
struct SearchResponse {
    /// Number of matching articles: exact when `total_exact`, else Xapian's estimate.
    std::size_t total = 0;
    bool total_exact = false;
    std::vector<SearchHit> hits;
    /// Articles per year (ascending), per language, per source (most first).
    std::vector<FacetCount> years;
    std::vector<FacetCount> languages;
    std::vector<FacetCount> sources;
    /// True when no article had every word and the query was relaxed to match most of them.
    bool relaxed = false;
    /// Xapian's description of the query that ran (for --explain).
    std::string query_description;
    double elapsed_ms = 0.0;
};

/// Runs searches on an open index. Not thread-safe: use one Searcher per thread.
class Searcher {
  public:
    explicit Searcher(OpenIndex index);
    /// Runs `request`. Throws common::UsageError for a query that cannot be parsed or bad filters.
    SearchResponse search(const SearchRequest& request);
    const OpenIndex& index() const noexcept { return m_index; }

  private:
    Xapian::Query parse(const std::string& text, unsigned default_op) const;
    Xapian::Query filters(const SearchRequest& request) const;
    OpenIndex m_index;
};

}  // namespace dateline::searcher
