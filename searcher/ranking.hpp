// The ranking model: which Xapian weighting scheme ranks results, and the defaults of matching, chosen on
// judged data (scripts/eval-relevance; the figures are in docs/BENCHMARKS.md, "Relevance").
#pragma once

#include <xapian.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace dateline::searcher {

/// The default weighting (see make_weight for the syntax).
inline constexpr std::string_view k_default_weighting = "bm25 1.2 0.75";
/// Queries of at most this many words get the all-words head (SearchTuning::all_words_head_max_words).
inline constexpr std::size_t k_default_head_max_words = 6;
/// Weight per query word an article contains (SearchTuning::coordination).
inline constexpr double k_default_coordination = 0.0;
/// Pseudo-relevance feedback (SearchTuning::feedback_*), for long queries only. Weight 0.3 rather than 0.5:
/// the judged collections' mean is the same (MED lower, the four others higher) and every news known-item
/// set ranks as well or better (the OrangeSum headings, long queries, 0.619 → 0.631; docs/BENCHMARKS.md).
inline constexpr std::size_t k_default_feedback_docs = 10;
inline constexpr std::size_t k_default_feedback_terms = 20;
inline constexpr double k_default_feedback_weight = 0.3;
inline constexpr std::size_t k_default_feedback_min_words = 7;
/// Facets are exact up to this many matching articles, then counted on a uniform sample of about as many
/// (SearchTuning::facet_exact_limit; docs/SCALING.md has the measurements behind it).
inline constexpr std::size_t k_default_facet_exact_limit = 100000;

/// A weighting scheme from its name and parameters, separated by spaces: "bm25 [K1 [B]]",
/// "bm25+ [K1 [B [DELTA]]]", "tfidf", "trad [K]", "pl2 [C]", "pl2+ [C [DELTA]]", "inl2 [C]", "ifb2 [C]",
/// "ineb2 [C]", "bb2 [C]", "dlh", "dph", "lm [MU]" (Dirichlet smoothing). Only Xapian's built-in schemes,
/// so that remote shards (xapian-tcpsrv) rank the same way. Throws common::UsageError naming the bad part
/// and listing the schemes.
std::unique_ptr<Xapian::Weight> make_weight(std::string_view spec);

}  // namespace dateline::searcher
