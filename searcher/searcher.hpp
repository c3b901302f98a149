// The search library: requests, ranked results with highlighted snippets, facet counts over all matches,
// spelling suggestions, related articles and completions, on one or several shards.
#pragma once

#include "facets.hpp"
#include "index_reader.hpp"
#include "period_terms.hpp"
#include "query_builder.hpp"
#include "ranking.hpp"
#include "snippets.hpp"
#include "suggest.hpp"

#include "common/article.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dateline::searcher {

/// Result order.
enum class SortOrder {
    relevance,  ///< BM25 with the boosts; a query without words lists newest first
    date,       ///< newest first (then relevance)
    recent,     ///< relevance blended with freshness (see SearchRequest::half_life_days)
};

/// Parses "relevance", "date" or "recent"; throws common::UsageError listing them otherwise.
SortOrder parse_sort_order(std::string_view name);
/// "relevance", "date" or "recent".
std::string_view sort_order_name(SortOrder order) noexcept;

/// One search. Every field is optional but the index.
struct SearchRequest {
    /// Query text in Xapian's syntax (AND, OR, NOT, "phrases", title:, place:, lang:, date:...).
    std::string query;
    /// Inclusive date bounds: "YYYY", "YYYY-MM" or "YYYY-MM-DD".
    std::string from;
    std::string to;
    /// Language filter ("en"/"fr"); empty for all.
    std::string lang;
    /// Source filter; empty for all.
    std::string source;
    /// Place filters (names in either language, ISO codes, ids); an article about any of them matches.
    std::vector<std::string> places;
    SortOrder sort = SortOrder::relevance;
    /// For SortOrder::recent: an article this many days older than the reference date counts half as fresh.
    double half_life_days = 30.0;
    /// For SortOrder::recent: "YYYY-MM-DD" ages are counted from; empty: the newest article of the index.
    std::string reference_date;
    std::size_t offset = 0;
    std::size_t limit = 10;
    /// Count facets (exact counts over every match; makes `total` exact too).
    bool facets = true;
    /// Facet drill-down: months of this year ("2024"), days of this month ("2024-06"). When from and to
    /// fall in one year (or month), its months (or days) are counted without asking.
    std::string facet_year;
    std::string facet_month;
    /// Places, countries and sources listed in facets.
    std::size_t facet_top = 10;
    /// Language of place labels.
    common::Lang ui_lang = common::Lang::en;
    /// Fold near-duplicates into their best article, with a count of the others.
    bool collapse = true;
    /// Make highlighted snippets (else `extract` is the start of the body).
    bool snippets = true;
    /// Suggest a spelling when the query finds little.
    bool spelling = true;
    /// Explain the scores of the results.
    bool explain = false;
    /// Also search the plain words' translations into the other language (when the index has a word table).
    bool translate = true;
    /// With facets: the words that characterise each year's results (and each month's, when drilled into
    /// a year) in FacetCount::terms (period_terms.hpp). Costs a few matches and expansions per period.
    bool period_terms = false;
};

/// One part of a result's score.
struct ScorePart {
    /// A term ("Zkorea"), or a boost ("phrase", "proximity", "exact forms", "places", "recency").
    std::string name;
    double weight = 0.0;
};

/// A result.
struct SearchHit {
    common::Article article;
    /// Xapian's weight (BM25 plus boosts).
    double weight = 0.0;
    /// The ranking score: `weight`, or the blend of relevance and freshness for SortOrder::recent.
    double score = 0.0;
    /// 1-based rank in the whole result list.
    std::size_t rank = 0;
    /// Near-duplicates folded into this result (a lower bound on several shards).
    std::size_t similar = 0;
    /// The article misses a word of the query: it comes after the head (see SearchResponse::partial_from).
    bool partial = false;
    /// The title with the query's matches marked.
    MarkedText title;
    /// Passages of the body around the matches.
    Snippet snippet;
    /// The snippet as plain text (or the start of the body).
    std::string extract;
    /// Labels of article.places, in SearchRequest::ui_lang.
    std::vector<std::string> place_labels;
    /// With SearchRequest::explain: what the weight is made of.
    std::vector<ScorePart> explanation;
};

/// The title of `hit` as HTML: escaped once, the query's matches in <mark>, whitespace runs as one space
/// (the display title, unmarked, when nothing marked it). The JSON's "title_html"; the results page shows it.
inline std::string title_html(const SearchHit& hit) {
    if (!hit.title.text.empty()) return render_html(hit.title);
    MarkedText plain;
    plain.text = hit.article.display_title();
    return render_html(plain);
}

/// The passages of `hit` as HTML (as title_html), or its extract when it has none: the JSON's
/// "snippet_html"; the results page shows it.
inline std::string snippet_html(const SearchHit& hit) {
    if (!hit.snippet.passages.empty()) return render_html(hit.snippet);
    MarkedText plain;
    plain.text = hit.extract;
    return render_html(plain);
}

/// The label of `hit.article.places[k]`: hit.place_labels[k], or the place's id when there is none.
inline const std::string& place_label(const SearchHit& hit, std::size_t k) {
    return k < hit.place_labels.size() ? hit.place_labels[k] : hit.article.places[k].id;
}

/// The answer to a SearchRequest.
struct SearchResponse {
    /// Results (near-duplicates collapsed): the articles with every word when the query has a head and
    /// some have them all, else those with any word; the facets count the same articles. Exact when
    /// `total_exact`, else Xapian's estimate. The list goes on past `total` with the articles missing a word.
    std::size_t total = 0;
    bool total_exact = false;
    /// With a head: how many articles have every word (collapsed; a lower bound when not exact).
    std::optional<std::size_t> total_all;
    /// With a head that is not empty: the 1-based rank of the first article missing a word.
    std::optional<std::size_t> partial_from;
    std::vector<SearchHit> hits;
    /// Facets, when asked for; `facets_exact` is false when the match time limit cut counting short.
    std::optional<Facets> facets;
    bool facets_exact = false;
    /// What `total` counts: the articles with all the words, or with any (no head, or an empty one).
    MatchMode match = MatchMode::all_words;
    /// True when the query has a head and no article has every word.
    bool relaxed = false;
    /// The order used (relevance becomes date for a query without words).
    SortOrder sort = SortOrder::relevance;
    /// A corrected query, when the query found little and a word looks misspelt.
    std::optional<std::string> did_you_mean;
    /// Places named by the query's words (they match in either language and boost articles about them).
    std::vector<QueryPlace> places;
    /// The query's words also searched in the other language, with the translations used.
    std::vector<QueryTranslation> translations;
    /// Things the user should know about the query (truncated, repaired, unknown place...).
    std::vector<std::string> warnings;
    /// Xapian's description of the query that ran (for --explain).
    std::string query_description;
    double elapsed_ms = 0.0;
};

/// Related articles of one article.
struct RelatedRequest {
    std::string id;
    std::size_t limit = 5;
    common::Lang ui_lang = common::Lang::en;
};

/// Ranking and safety settings of a Searcher.
struct SearchTuning {
    QueryOptions query;
    SnippetOptions snippets;
    /// The ranking model (ranking.hpp: a Xapian weighting scheme and its parameters, "bm25 1 0.5").
    std::string weighting = std::string(k_default_weighting);
    /// Plain words: the articles with every word rank first (the head), then the best articles that miss
    /// words (the tail), for queries of at most this many words; longer queries are ranked by how well
    /// they match, without a head. 0: never a head.
    std::size_t all_words_head_max_words = k_default_head_max_words;
    /// Weight added per query word an article contains (coordination), in units of the ranking model's
    /// weight; orders the tail by how many words it has before how well it matches them. 0: none.
    double coordination = k_default_coordination;
    /// Pseudo-relevance feedback for queries of at least `feedback_min_words` words: the best words of the
    /// `feedback_docs` first articles are added with a weight of `feedback_weight` times their share.
    /// 0 documents: none.
    std::size_t feedback_docs = k_default_feedback_docs;
    std::size_t feedback_terms = k_default_feedback_terms;
    double feedback_weight = k_default_feedback_weight;
    std::size_t feedback_min_words = k_default_feedback_min_words;
    /// Exact counting (facets) stops after this many seconds; results stay right, counts become estimates.
    double time_limit_seconds = 1.0;
    /// Facets (and `total`) are exact up to this many matching articles (Xapian's estimate, before checking
    /// any). Beyond, on an index whose articles carry sample terms, they count a uniform sample of about this
    /// many matches (the articles of the first k of schema::k_sample_buckets buckets) and are scaled up:
    /// SearchResponse::facets_exact is false and Facets::share says which share was counted. 0: always exact.
    std::size_t facet_exact_limit = k_default_facet_exact_limit;
    /// Count facets from in-memory columns when every shard is local (see facet_columns); off: always
    /// Xapian's built-in spies (the remote-shard path).
    bool facet_columns = true;
    /// SortOrder::recent reranks at least this many of the best results.
    std::size_t recent_rerank = 200;
    /// Phrase and proximity boosts weigh only this many best candidates by the rest of the query (a
    /// rescoring window, as Lucene's rescorer); 0: they weigh every match. See docs/SEARCH.md.
    std::size_t rescore_window = 100;
    /// Share of freshness in SortOrder::recent's score (the rest is relevance relative to the best result).
    double recency_share = 0.5;
    /// Spelling suggestions are looked for when a query finds fewer results than this.
    std::size_t spelling_below = 3;
    /// Period terms (SearchRequest::period_terms).
    PeriodTermOptions period_terms;
};

/// Runs searches on an open index. Not thread-safe and not movable: one Searcher per thread.
class Searcher {
  public:
    explicit Searcher(OpenIndex index, SearchTuning tuning = {});
    ~Searcher();
    Searcher(const Searcher&) = delete;
    Searcher& operator=(const Searcher&) = delete;

    /// Runs `request`. Throws common::UsageError for bad filters, dates or options (the message names
    /// the bad part); a query whose syntax is broken is searched leniently, with a warning.
    SearchResponse search(const SearchRequest& request);

    /// Articles most like article `id` (its most distinctive stems and its places), best first, itself
    /// and its near-duplicates excluded. std::nullopt when there is no article `id`.
    std::optional<SearchResponse> related(const RelatedRequest& request);

    /// Completions of what the user is typing.
    SuggestResponse suggest(const SuggestRequest& request);

    /// The query that `request` would run (for tests and --explain).
    BuiltQuery build_query(const SearchRequest& request);

    /// Whether `query` ranks the articles with every word first (its words are few enough).
    bool has_head(const BuiltQuery& query) const noexcept;

    /// The ranking model of this searcher (a copy for each Enquire).
    const Xapian::Weight& weight() const noexcept { return *m_weight; }

    /// The stored article with this id, or std::nullopt.
    std::optional<common::Article> find_article(const std::string& id) const;

    const OpenIndex& index() const noexcept { return m_index; }
    const SearchTuning& tuning() const noexcept { return m_tuning; }

  private:
    void run(const SearchRequest& request, const BuiltQuery& query, SearchResponse& response);
    /// Counts the facets and the total of `query`'s matches; false when the time limit cut it short.
    bool count(const SearchRequest& request, const BuiltQuery& query, SearchResponse& response);
    /// The best words of the first articles `query` ranks, as a weight-only part (pseudo-relevance feedback).
    Xapian::Query feedback(const BuiltQuery& query, bool collapse) const;
    /// `positional`: the phrase and proximity boosts weighed too (not in date order).
    void explain_hit(const BuiltQuery& query, SearchHit& hit, bool positional) const;

    OpenIndex m_index;
    SearchTuning m_tuning;
    std::unique_ptr<Xapian::Weight> m_weight;
    QueryBuilder m_builder;
    Completer m_completer;
};

}  // namespace dateline::searcher
