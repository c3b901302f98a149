// Facets: exact counts over every match of a query — years (drilling down to months and days), places,
// countries, languages and sources — with Xapian's built-in ValueCountMatchSpy only, so that counting
// also works when shards are served by a stock xapian-tcpsrv.
#pragma once

#include "place_directory.hpp"

#include "common/language.hpp"

#include <xapian.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dateline::searcher {

/// A facet value and how many matching articles have it.
struct FacetCount {
    /// "2024", "2024-06", "2024-06-15", a place id, a language code, a source name.
    std::string value;
    std::size_t count = 0;
    /// Display name (places and countries: in the requested language); empty when `value` is shown as is.
    std::string label;
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
};

/// Facet counts of one search. Counts are per article (near-duplicates each count).
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
    /// Matching articles without a date.
    std::size_t undated = 0;
    /// Matches the spies saw (every match when the count is exact).
    std::size_t counted = 0;
};

/// The match spies of one search: attach to an Enquire, run get_mset, then read.
class FacetCounter {
  public:
    /// Throws common::UsageError for a malformed year or month.
    explicit FacetCounter(FacetRequest request);
    ~FacetCounter();
    FacetCounter(const FacetCounter&) = delete;
    FacetCounter& operator=(const FacetCounter&) = delete;

    void attach(Xapian::Enquire& enquire);
    /// The counts after the match; labels from `places`.
    Facets read(const PlaceDirectory& places) const;

  private:
    struct Spies;
    FacetRequest m_request;
    std::unique_ptr<Spies> m_spies;
};

}  // namespace dateline::searcher
