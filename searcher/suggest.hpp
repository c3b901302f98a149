// As-you-type completions: place names of the archive (in English and French) and frequent title words,
// completing the last word typed; fast enough for every key press.
#pragma once

#include "index_reader.hpp"

#include "common/language.hpp"

#include <memory>
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

    struct Word {
        std::string folded;
        std::size_t count = 0;  ///< titles containing it
    };
    /// The place names and short-prefix words of one index state, shared by the Completers of a process.
    struct Tables;

  private:
    /// Takes the tables of the index's current state: built by the first Completer that needs them, then
    /// shared (a server's worker threads would otherwise each rebuild them after every commit).
    void refresh();
    /// The most frequent title words starting with `prefix` (folded).
    std::vector<Word> title_words(const std::string& prefix, std::size_t n);

    const OpenIndex& m_index;
    std::shared_ptr<const Tables> m_tables;
    std::string m_tables_state;
    std::unordered_map<std::string, std::string> m_printed;
};

}  // namespace dateline::searcher
