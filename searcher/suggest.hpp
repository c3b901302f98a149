// As-you-type completions: place names of the archive (in English and French) and frequent title words,
// completing the last word typed; fast enough for every key press.
#pragma once

#include "index_reader.hpp"

#include "common/language.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace dateline::searcher {

/// A completion request.
struct SuggestRequest {
    /// What the user has typed so far.
    std::string prefix;
    std::size_t limit = 8;
    /// Language of place labels.
    common::Lang ui_lang = common::Lang::en;
};

/// One completion.
struct Completion {
    /// The whole text to search: the words typed before the last one, as typed, then the completion
    /// as printed ("Pyongyang", "Corée du Nord").
    std::string text;
    /// "place" (a place of the archive) or "title" (a title word).
    std::string kind;
    /// For places: the id, usable as place:ID.
    std::string place_id;
    /// Articles about the place, or whose titles contain the completion.
    std::size_t count = 0;
};

struct SuggestResponse {
    std::vector<Completion> completions;
    double elapsed_ms = 0.0;
};

/// Completes prefixes on one index. Keeps the archive's place names in memory (rebuilt when the index
/// changes). Not thread-safe: one per Searcher.
class Completer {
  public:
    explicit Completer(const OpenIndex& index);
    SuggestResponse complete(const SuggestRequest& request);
    /// How a folded word is printed in the titles of the archive ("pyongyang" → "Pyongyang", "coree" →
    /// "Corée"): the commonest form in a few titles, one with diacritics if `accented` and there is one;
    /// the word itself when no title has it. Cached.
    const std::string& printed_form(const std::string& folded, bool accented = false);

  private:
    struct PlaceName {
        std::string folded;  ///< a folded name, or the tail of one from a word on ("korea" of "north korea")
        std::string id;
        std::size_t count = 0;
    };
    struct Word {
        std::string folded;
        std::size_t count = 0;  ///< titles containing it
    };
    /// Builds the place list and the short-prefix table when the index changed since the last build.
    void refresh();
    /// The most frequent title words starting with `prefix` (folded).
    std::vector<Word> title_words(const std::string& prefix, std::size_t n);

    const OpenIndex& m_index;
    std::vector<PlaceName> m_places;
    /// The most frequent title words of every one- and two-byte prefix: short prefixes would otherwise
    /// walk thousands of terms at each key press.
    std::unordered_map<std::string, std::vector<Word>> m_short_prefixes;
    std::unordered_map<std::string, std::string> m_printed;
    /// Index state the lists were built for.
    Xapian::docid m_lastdocid = 0;
    Xapian::doccount m_doccount = 0;
    bool m_built = false;
};

}  // namespace dateline::searcher
