// "Did you mean": spelling suggestions from the index's own vocabulary (its positional, folded words),
// by edit distance and frequency. Needs no spelling data at index time and works on remote shards.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <string_view>

namespace dateline::searcher {

/// Bounds of the vocabulary walk.
struct SpellingOptions {
    /// Words shorter than this (bytes, folded) are never corrected.
    std::size_t min_word_bytes = 4;
    /// Edit distance allowed: 1 for words up to `long_word_bytes`, 2 beyond.
    std::size_t long_word_bytes = 6;
    /// Candidates examined at most (vocabulary terms sharing the first letter).
    std::size_t max_terms_scanned = 200000;
};

/// A correction of one word.
struct SpellingCorrection {
    std::string word;
    std::size_t distance = 0;
    Xapian::doccount frequency = 0;
};

/// The best known word near `folded` (a folded, lower-case word that is rare or absent): the nearest by
/// Damerau-Levenshtein distance, then the most frequent. Words of the index starting with the same
/// letter are examined. std::nullopt when there is none close enough or the word itself is known
/// and at least as frequent.
std::optional<SpellingCorrection> correct_word(const Xapian::Database& db, std::string_view folded,
                                               const SpellingOptions& options = {});

/// Optimal string alignment distance (Levenshtein with adjacent transpositions) between byte strings,
/// or `bound` + 1 when it exceeds `bound`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t bound);

}  // namespace dateline::searcher
