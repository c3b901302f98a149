// Cross-language query translation: the English<->French word table (data/translations.tsv, made by
// scripts/build-dictionary from Debian's packaged dictionaries) read through the shared analysis, so that
// a query word finds its translations by stem and each translation is the terms the indexer wrote.
#pragma once

#include "common/analysis.hpp"
#include "common/language.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dateline::searcher {

/// One translation of a word or expression, analysed by its language's pipeline.
struct TranslationTarget {
    /// As the table writes it ("tremblement de terre").
    std::string label;
    /// Its content words, case- and accent-folded ("tremblement", "terre"); one word: `stem` is its stem.
    std::vector<std::string> words;
    std::string stem;
    /// Words the phrase spans, function words included (3 for "tremblement de terre").
    unsigned window = 1;
    /// Evidence for it (the sources and directions that give it, earlier translations counting more).
    double score = 0.0;
    /// Written alike in both languages ("national"): the word itself, which the query has already; kept
    /// so that it outranks the word's rarer translations.
    bool same_word = false;
};

/// Tuning of the table's reading.
struct TranslatorOptions {
    /// Most translations chosen per word or expression (choose()).
    std::size_t max_targets = 3;
    /// A translation is chosen when its evidence is at least this share of the best usable one's.
    double min_share = 0.5;
    /// Candidates kept per word or expression, best first, for choose() to pick from: a translation the
    /// archive lacks must not keep out the one it uses (`séisme`: seism, three Apertium pivots, then
    /// earthquake, freedict).
    std::size_t max_candidates = 8;
    /// Evidence of a freedict row against an Apertium one (1): freedict lists a word's senses in no
    /// order of use ("election" → "choix" first), Apertium's lexicons are made for translation.
    double freedict_weight = 0.8;
    /// Evidence of a row read in reverse ("taux" → "rate" read as "rate" → "taux").
    double reverse_weight = 0.7;

    std::string description() const;
};

/// The word table, by source language and stem key, and by form where the stem key is ambiguous. Immutable once loaded; shared between threads.
class Translator {
  public:
    /// Reads `table` (UTF-8 TSV: direction, lemma, part of speech, targets separated by " | ", source).
    /// Throws common::EnvironmentError naming the file (and line) when it cannot be read or is malformed.
    static std::shared_ptr<const Translator> load(const std::filesystem::path& table, const common::Analyzer& analyzer,
                                                  const TranslatorOptions& options = {});
    /// "translations.tsv" in the first directory of `dirs` that holds one.
    static std::optional<std::filesystem::path> find(const std::vector<std::filesystem::path>& dirs);

    /// The key of a word or expression of `lang`: the stems of its content words, joined by one space
    /// ("" for function words only, or a word with a digit). `folded`: words as the analyzer folds them.
    static std::string key_of(const common::Analyzer& analyzer, const std::vector<std::string>& folded, common::Lang lang);

    /// The candidate translations of the word or expression whose key is `key`, from `from` into the other
    /// language, best first (choose() picks among them); nullptr when the table has none. Every word of the key's stem counts ("vent",
    /// wind, and "vente", sale, share one).
    const std::vector<TranslationTarget>* lookup(common::Lang from, std::string_view key) const;
    /// The candidate translations of the words `folded` (as the analyzer folds them): one word the morphological
    /// analysers know is looked up as the union of its lemmas ("ventes": vente, not vent), anything else
    /// by its key.
    const std::vector<TranslationTarget>* lookup_words(common::Lang from, const common::Analyzer& analyzer,
                                                       const std::vector<std::string>& folded) const;
    /// The translations to search among `candidates` (from lookup()): the best `max_targets` of those
    /// `usable` accepts (all when it is empty) whose evidence is at least `min_share` of the first one's.
    /// The searcher's `usable` is "the archive has it".
    std::vector<const TranslationTarget*> choose(const std::vector<TranslationTarget>& candidates,
                                                 const std::function<bool(const TranslationTarget&)>& usable = {}) const;

    /// Longest expression of the table, in content words.
    std::size_t max_key_words() const noexcept { return m_max_key_words; }
    /// Keys known in `from`.
    std::size_t size(common::Lang from) const noexcept;
    /// The file read, and its first comment line (what it was generated from).
    const std::filesystem::path& path() const noexcept { return m_path; }
    const std::string& description() const noexcept { return m_description; }

  private:
    using Table = std::unordered_map<std::string, std::vector<TranslationTarget>>;
    Translator() = default;
    const Table& table(common::Lang from) const noexcept { return from == common::Lang::fr ? m_fr_en : m_en_fr; }

    Table m_en_fr;
    Table m_fr_en;
    /// By a word's folded form, where its lemmas (and their derivations) are not its stem key's words
    /// ("ventes", "children"): an index into m_word_lists, shared by the forms of one lemma.
    std::unordered_map<std::string, std::uint32_t> m_en_words;
    std::unordered_map<std::string, std::uint32_t> m_fr_words;
    std::vector<std::vector<TranslationTarget>> m_word_lists;
    std::size_t m_max_key_words = 1;
    TranslatorOptions m_options;
    std::filesystem::path m_path;
    std::string m_description;
};

}  // namespace dateline::searcher
