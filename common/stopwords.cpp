// The function-word lists: closed-class words of English and French, folded (lower case, no accents).
#include "stopwords.hpp"

#include <algorithm>
#include <array>

namespace dateline::common {
namespace {

// Sorted, for binary search.
constexpr auto k_english = std::to_array<std::string_view>({
    "a",     "about", "after", "all",   "also",  "an",    "and",   "are",   "as",    "at",    "be",
    "been",  "but",   "by",    "can",   "could", "did",   "do",    "does",  "for",   "from",  "had",
    "has",   "have",  "he",    "her",   "his",   "how",   "i",     "if",    "in",    "into",  "is",
    "it",    "its",   "may",   "more",  "most",  "not",   "of",    "on",    "or",    "our",   "over",
    "said",  "she",   "should", "so",   "some",  "such",  "than",  "that",  "the",   "their", "them",
    "then",  "there", "these", "they",  "this",  "those", "to",    "under", "up",    "was",   "we",
    "were",  "what",  "when",  "where", "which", "while", "who",   "whom",  "why",   "will",  "with",
    "would", "you",   "your",
});

constexpr auto k_french = std::to_array<std::string_view>({
    "a",     "afin",  "ai",    "au",    "aux",   "avec",  "ce",    "ces",   "cette", "comme", "dans",
    "de",    "des",   "donc",  "du",    "elle",  "elles", "en",    "est",   "et",    "etait", "ete",
    "etre",  "eu",    "il",    "ils",   "je",    "la",    "le",    "les",   "leur",  "leurs", "lors",
    "lui",   "mais",  "meme",  "nous",  "ont",   "ou",    "par",   "pas",   "plus",  "pour",  "qu",
    "que",   "qui",   "sa",    "sans",  "se",    "selon", "ses",   "son",   "sont",  "sur",   "un",
    "une",   "vers",  "vous",
});

}  // namespace

std::span<const std::string_view> english_stopwords() noexcept { return k_english; }
std::span<const std::string_view> french_stopwords() noexcept { return k_french; }

bool is_english_stopword(std::string_view folded) noexcept {
    return std::binary_search(k_english.begin(), k_english.end(), folded);
}
bool is_french_stopword(std::string_view folded) noexcept {
    return std::binary_search(k_french.begin(), k_french.end(), folded);
}
bool is_stopword(std::string_view folded) noexcept {
    return is_english_stopword(folded) || is_french_stopword(folded);
}

bool is_stopword_in(std::string_view folded, Lang lang) noexcept {
    switch (lang) {
        case Lang::fr: return is_french_stopword(folded);
        case Lang::en: return is_english_stopword(folded);
        case Lang::unknown: break;
    }
    return is_stopword(folded);
}

}  // namespace dateline::common
