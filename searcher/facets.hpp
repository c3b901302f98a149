// Facets: exact counts over every match of a query — years (drilling down to months and days), places,
// countries, languages and sources — with Xapian's built-in classes only, so that counting also works when
// shards are served by a stock xapian-tcpsrv; near-duplicates counted once, as the results are.
#pragma once

#include "index_reader.hpp"
#include "place_directory.hpp"

#include "common/language.hpp"

#include <xapian.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dateline::searcher {

/// A word that characterises one period of a search's timeline (searcher/period_terms.hpp).
struct PeriodTerm {
    /// The indexed word, case- and accent-folded ("defense").
    std::string term;
    /// As the archive's titles print it ("défense").
    std::string word;
    /// The language of the articles it was drawn from.
    common::Lang lang = common::Lang::unknown;
    /// Its translation into the reader's language when the word is of the other language and the word table
    /// has one ("defence"); empty otherwise.
    std::string label;
    /// How strongly it marks the period (relative; 1 for the period's best word).
    double weight = 0.0;
};

/// A facet value and how many results have it (matching articles, a near-duplicate group counting once).
struct FacetCount {
    /// "2024", "2024-06", "2024-06-15", a place id, a language code, a source id (schema::source_id).
    std::string value;
    std::size_t count = 0;
    /// Display name (places and countries: in the requested language; sources: as the publisher writes it);
    /// empty when `value` is shown as is.
    std::string label;
    /// Years and months, with SearchRequest::period_terms: the words that distinguish this period's results
    /// from the search's others, best first.
    std::vector<PeriodTerm> terms;
};

/// Which facets to count.
struct FacetRequest {
    /// Also count the months of this year ("2024").
    std::string year;
    /// Also count the days of this month ("2024-06").
    std::string month;
    /// Places, countries and sources: the most frequent N.
    std::size_t top = 10;
    /// Language of place labels.
    common::Lang label_lang = common::Lang::en;
    /// Count results as they are listed once near-duplicates are collapsed (one per collapse key): `collapsed`,
    /// and every value counts a group of near-duplicates once when any of its matching articles has the
    /// value (the results of the same search filtered on that value). Otherwise every article counts.
    bool collapsed = false;
    /// The index records each grouped article's values (OpenIndex::group_values): with `collapsed` and the
    /// spies, a built-in spy on them replaces the second match.
    bool group_values = false;
};

/// The counting match, as FacetCounter::read reads it again: with FacetRequest::collapsed and a remote
/// shard, the matching articles of near-duplicate groups with several matches are read in a second,
/// filtered match (built-in classes only, which xapian-tcpsrv runs); with columns, for the drill-downs.
struct CountingMatch {
    const Xapian::Database& database;
    Xapian::Query query;
    /// Every match was checked (no time limit cut it short); otherwise the groups are not read again.
    bool complete = true;
};

/// Facet counts of one search. Per result with FacetRequest::collapsed (see there), else per article.
struct Facets {
    /// Ascending; years between the first and the last with matches are listed with 0.
    std::vector<FacetCount> years;
    /// Months of FacetRequest::year ("2024-01".."2024-12"), days of FacetRequest::month, when asked.
    std::vector<FacetCount> months;
    std::vector<FacetCount> days;
    /// Most frequent first.
    std::vector<FacetCount> places;
    std::vector<FacetCount> countries;
    std::vector<FacetCount> languages;
    std::vector<FacetCount> sources;
    /// Results without a date (a group counts once if any of its matching articles has no date).
    std::size_t undated = 0;
    /// Matches the spies saw (every match when the count is exact).
    std::size_t counted = 0;
    /// The share of the matches counted: 1, or k / schema::k_sample_buckets when a sample was counted (the
    /// counts, `counted` and `collapsed` then being scaled up to estimates of the whole; see scale_facets).
    double share = 1.0;
    /// Of those, what remains after collapsing near-duplicates: the articles without a collapse key and
    /// one per distinct key. Set when FacetRequest::collapsed.
    std::size_t collapsed = 0;
};

/// Multiplies every count of `facets` (values, undated, counted, collapsed) by `factor`, rounding: the
/// estimate of the whole from a sample.
void scale_facets(Facets& facets, double factor);

/// What a facet is: the value slots that hold an article's values (one value per slot; places take
/// several slots, most salient first), how its values are listed and labelled, and where its counts go.
/// Both counting back-ends (columns and built-in spies), the JSON writer, `dateline-search`'s output and
/// the server's `facets=` parameter read this table: a new facet is a row here, its slots in common/schema
/// and the indexer's values, then its place on the page (server/http_pages.cpp) and in the widget.
struct FacetSpec {
    /// The key under "facets" in JSON, the heading in `dateline-search`, a value of `facets=`.
    std::string_view name;
    Xapian::valueno first_slot = 0;
    std::size_t slot_count = 1;
    enum class Listing {
        timeline,  ///< every year from the first to the last with matches, ascending (0 between)
        top_ten,   ///< the ten most frequent
        top_n,     ///< the FacetRequest::top most frequent
    };
    Listing listing = Listing::top_n;
    /// Values are place ids, labelled from the gazetteer in the request's language.
    bool place_labels = false;
    std::vector<FacetCount> Facets::*counts = nullptr;
    /// Values are schema::source_value() (id and label): counted by id, labelled with the publisher's name.
    bool source_values = false;
};

/// The facets counted for every search, in the order they are written (drill-downs into months and days
/// come with the years when asked: FacetRequest::year and ::month).
extern const std::array<FacetSpec, 5> k_facets;

/// The facet values (year, language, source, places, countries) of every document of an index that is
/// one local database, held in memory as interned columns indexed by docid. Counting a match set from
/// it costs a few array reads per document, where a ValueCountMatchSpy per slot costs a value-chunk
/// lookup each (measured 4-5 times slower on 43k articles). Immutable; shared by the Searchers of a
/// process; about 18 × 4 bytes per document.
class FacetColumns;

/// The columns of `index`, built or reused; std::nullptr when the index is several shards or a remote one
/// (they count with the built-in spies: xapian-tcpsrv runs no other, and with several shards Xapian gives
/// match spies each shard's own docids), and on the first request for an index in this process (a
/// one-shot command is faster without building them). Rebuilt when the database's revision changes.
/// Thread-safe.
std::shared_ptr<const FacetColumns> facet_columns(const OpenIndex& index);

/// The counting of one search: attach to an Enquire, run get_mset, then read. The Enquire should not
/// collapse (the spies see every article) and needs no weights (Xapian::BoolWeight). With columns, a match
/// spy records the matching docids and the counts come from the columns; without, Xapian's built-in
/// ValueCountMatchSpy per slot counts, and with FacetRequest::collapsed the values of the articles that
/// share a collapse key with another match are recorded during the match (local shards) or read by a
/// second match (remote ones). All give the same counts.
class FacetCounter {
  public:
    /// `remote`: a shard of the Enquire's database is remote (then only built-in spies are attached, and
    /// reading groups takes a second match). Throws common::UsageError for a malformed year or month.
    explicit FacetCounter(FacetRequest request, std::shared_ptr<const FacetColumns> columns = nullptr, bool remote = false);
    ~FacetCounter();
    FacetCounter(const FacetCounter&) = delete;
    FacetCounter& operator=(const FacetCounter&) = delete;

    /// Attaches the spies to a counting match over the index, or, for a counter with columns, over one of
    /// the local shards it combines (`shard` of `shard_count`, in the stub's order): such a counter counts a
    /// sharded index shard by shard, every shard's match attached in turn (by_shard()).
    void attach(Xapian::Enquire& enquire, std::size_t shard = 0, std::size_t shard_count = 1);
    /// Whether a sharded local index is counted by a match per shard (the counter reads columns): each
    /// match hands its spy the shard's own docids, mapped without reading a value.
    bool by_shard() const noexcept { return m_columns != nullptr; }
    /// The counts after the match; labels from `places`. `match` is the Enquire's database and query.
    Facets read(const PlaceDirectory& places, const CountingMatch& match) const;

  private:
    struct Spies;
    FacetRequest m_request;
    std::shared_ptr<const FacetColumns> m_columns;
    std::unique_ptr<Spies> m_spies;
};

}  // namespace dateline::searcher
