// Period terms: the words that characterise each year (or month) of a search's timeline, found with
// Xapian's query expansion (Enquire::get_eset) over the period's best matches.
#pragma once

#include "facets.hpp"
#include "index_reader.hpp"
#include "query_builder.hpp"

#include "common/language.hpp"

#include <xapian.h>

#include <functional>
#include <string>

namespace dateline::searcher {

/// Tuning of period terms.
struct PeriodTermOptions {
    /// A period's best matches taken as its relevance set (its cost grows with them: their term lists
    /// are read).
    std::size_t documents = 25;
    /// Words kept per period.
    std::size_t terms = 5;
    /// Candidates drawn per period and language before the periods are compared.
    std::size_t candidates = 30;
    /// A word in more than this share of the articles of its language (and in at least `common_floor`)
    /// says nothing of a period ("depuis", "avait", "yesterday"): the stopword lists are kept short for search.
    double common_share = 0.1;
    Xapian::doccount common_floor = 50;
    /// Keep the words per index state and search (off: computed every time, for measurements).
    bool cached = true;
};

/// What find_period_terms needs of a search.
struct PeriodSearch {
    /// The articles the timeline counts (without the weight-only boosts); the periods filter it.
    Xapian::Query matches;
    /// The query as built: its own words, their stems and translations and the names of its places are
    /// never a period's terms.
    const BuiltQuery* query = nullptr;
    /// Rank the period's matches as the search does.
    const Xapian::Weight* weight = nullptr;
    /// One article per group of near-duplicates, as the results.
    bool collapse = true;
    /// The reader's language: a word of the other language is labelled with its translation.
    common::Lang ui_lang = common::Lang::en;
};

/// How a folded word is printed ("defense" → "défense"): Completer::printed_form.
using PrintedForm = std::function<std::string(const std::string& folded)>;

/// Fills `terms` of every year (and month) of `facets` with matches. For each period, its `documents`
/// best matches (the search's query filtered on the period's date term) are the relevance set of
/// Enquire::get_eset, once per language of those articles, with exact term frequencies (so that one
/// database and any sharding of it, remote shards included, give the same words) and an ExpandDecider
/// that keeps words only: no prefixed term, no number, no stopword, month or weekday name, none of the
/// query's words or their stems. A word found in several periods marks the search rather than a period:
/// its weight is divided by the share of periods it was found in (an idf over periods). Words are cached
/// per index state (shards and revisions) and search; remote shards are not cached (no revision).
void find_period_terms(const OpenIndex& index, const PeriodSearch& search, Facets& facets, const PrintedForm& printed,
                       const PeriodTermOptions& options = {});

}  // namespace dateline::searcher
