// Spelling correction over the index vocabulary: a bounded walk of the words sharing the first letter.
#include "spelling.hpp"

#include <algorithm>
#include <vector>

namespace dateline::searcher {

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t bound) {
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    if ((n > m ? n - m : m - n) > bound) return bound + 1;
    // Three rows: two back for transpositions.
    std::vector<std::size_t> prev2(m + 1);
    std::vector<std::size_t> prev(m + 1);
    std::vector<std::size_t> row(m + 1);
    for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        row[0] = i;
        std::size_t row_min = row[0];
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            std::size_t d = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = std::min(d, prev2[j - 2] + 1);
            row[j] = d;
            row_min = std::min(row_min, d);
        }
        if (row_min > bound) return bound + 1;
        std::swap(prev2, prev);
        std::swap(prev, row);
    }
    return std::min(prev[m], bound + 1);
}

std::optional<SpellingCorrection> correct_word(const Xapian::Database& db, std::string_view folded,
                                               const SpellingOptions& options) {
    if (folded.size() < options.min_word_bytes) return std::nullopt;
    const std::string word(folded);
    const Xapian::doccount own = db.get_termfreq(word);
    const std::size_t bound = folded.size() <= options.long_word_bytes ? 1 : 2;
    const std::string first(1, word[0]);
    std::optional<SpellingCorrection> best;
    std::size_t scanned = 0;
    for (auto it = db.allterms_begin(first); it != db.allterms_end(first) && scanned < options.max_terms_scanned; ++it, ++scanned) {
        const std::string term = *it;
        if (term == word) continue;
        const std::size_t diff = term.size() > word.size() ? term.size() - word.size() : word.size() - term.size();
        if (diff > bound) continue;
        const std::size_t d = edit_distance(word, term, bound);
        if (d > bound) continue;
        const Xapian::doccount freq = it.get_termfreq();
        if (!best || d < best->distance || (d == best->distance && freq > best->frequency)) best = SpellingCorrection{term, d, freq};
    }
    if (!best) return std::nullopt;
    // A known word is corrected only towards a far more frequent one (a typo that made it into the archive).
    if (own > 0 && best->frequency < 20 * own) return std::nullopt;
    return best;
}

}  // namespace dateline::searcher
