// The analysis pipeline (normalize → tokenize → elision/possessive/acronym rules → stem → fold),
// shared by the indexer and the searcher so that both sides produce the same terms.
#pragma once

#include "language.hpp"

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace dateline::common {

/// What kind of text a token came from.
enum class TokenKind : std::uint8_t {
    word,      ///< letters (possibly with an inner apostrophe: "aujourd'hui")
    number,    ///< digits, with decimals kept whole ("3.5") and thousands separators removed ("1,000" → "1000")
    acronym,   ///< dotted initials joined ("U.S." → "us", "D.P.R.K." → "dprk")
    compound,  ///< a hyphenated word as a whole ("nord-coréen" → "nordcoreen"); its parts are tokens too
};

/// One token of analysed text.
struct Token {
    /// Case-folded, NFC, accents kept: "corée".
    std::string lower;
    /// Case-folded with accents removed: "coree". The form of positional terms.
    std::string folded;
    /// Byte range of the token in the analysed text (after UTF-8 repair), for highlighting.
    std::size_t begin = 0;
    std::size_t end = 0;
    /// Word position (1-based); a compound shares the position of its first part.
    Xapian::termpos position = 0;
    TokenKind kind = TokenKind::word;
    /// The first letter is upper case in the text.
    bool capitalized = false;
    /// First word of a sentence (or of the text).
    bool sentence_start = false;
    /// Part of a hyphenated compound ("nord" and "coréen" in "nord-coréen").
    bool compound_part = false;
};

/// Receives the tokens of a text one by one (Analyzer::tokenize with a sink), for a reader that keeps
/// few of them: nothing is stored per token, and forms the reader does not want are not made.
class TokenSink {
  public:
    virtual ~TokenSink() = default;
    /// Whether the forms (`lower`, `folded`) of a token whose folded form begins with `head` (its first two
    /// bytes, or its only byte) are wanted. Asked only where the head is known before folding (one run of
    /// ASCII letters or digits, most tokens); such a token whose forms are not wanted reaches token() with
    /// both forms empty. Every other token comes with its forms.
    virtual bool wants_forms(std::string_view head) const = 0;
    /// The next token, in text order (the same tokens as the vector form). The reference is only valid
    /// during the call.
    virtual void token(const Token& token) = 0;
};

/// Words that are never stemmed (place names, later people): folded forms.
class ProtectedWords {
  public:
    ProtectedWords() : m_identity(compute_identity()) {}
    explicit ProtectedWords(std::unordered_set<std::string> folded_words, std::string source_name);
    bool contains(std::string_view folded) const;
    std::size_t size() const noexcept { return m_words.size(); }
    /// Where the list comes from ("builtin", "gazetteer").
    const std::string& source_name() const noexcept { return m_source; }
    /// "source:hash-of-the-words", recorded in the index metadata: the searcher must stem with the same list.
    /// Computed once (hashing the gazetteer's sorted names took 140 M instructions per call).
    const std::string& identity() const noexcept { return m_identity; }
    /// The small built-in list used when no gazetteer is loaded.
    static ProtectedWords builtin();

  private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::string compute_identity() const;

    std::unordered_set<std::string, Hash, std::equal_to<>> m_words;
    std::string m_source;
    std::string m_identity;
};

/// Settings of the analysis, stored in the index metadata and rebuilt from it by the searcher.
struct AnalyzerSettings {
    /// Layout/analysis version (schema::k_index_version when written by this build).
    int version = 0;
    /// Snowball algorithm per language.
    std::string stemmer_en = "english";
    std::string stemmer_fr = "french";
    /// Identity of the protected (never stemmed) words: ProtectedWords::identity().
    std::string protected_words = "builtin";

    /// JSON form, as stored under schema::k_meta_analysis.
    std::string to_json() const;
    /// Parses the stored JSON. Throws EnvironmentError naming what is wrong.
    static AnalyzerSettings from_json(std::string_view json);
    /// Settings this build writes.
    static AnalyzerSettings current();
};

/// Where a field's terms go and how much they weigh.
struct FieldOptions {
    /// Prefix of positional terms ("" for body text, "S" for the title).
    std::string_view word_prefix;
    /// Prefix of stem terms ("Z" or "ZS").
    std::string_view stem_prefix;
    /// Added to the wdf of each term (title words count more).
    Xapian::termcount wdf_inc = 1;
    /// Also write exact accented forms (prefix "E").
    bool exact_forms = true;
    /// Write positional terms (phrases, NEAR).
    bool positions = true;
};

/// The case- and accent-folded form of one word, as a token's `folded` ("Élevé" → "eleve"): the Latin
/// table, ICU beyond it. `utf8` must be valid.
std::string fold_word(std::string_view utf8);

/// The analysis pipeline. Thread-safe: stemmers are per thread.
class Analyzer {
  public:
    explicit Analyzer(AnalyzerSettings settings = AnalyzerSettings::current(),
                      std::shared_ptr<const ProtectedWords> protected_words = nullptr);

    const AnalyzerSettings& settings() const noexcept { return m_settings; }

    /// Splits UTF-8 text (must be valid; see repair_utf8) into tokens. Empty text gives no token.
    std::vector<Token> tokenize(std::string_view utf8) const;
    /// The same tokens, given to `sink` one by one.
    void tokenize(std::string_view utf8, TokenSink& sink) const;

    /// The stem of a case-folded word in `lang` (Lang::unknown stems as English), accent-folded
    /// after stemming. Protected words and numbers are returned folded, unstemmed.
    std::string stem(std::string_view lower, Lang lang) const;

    /// The stem of an already accent-folded word (the query side, where accents may be missing).
    std::string stem_folded(std::string_view folded, Lang lang) const;

    /// True if the folded word is never stemmed.
    bool is_protected(std::string_view folded) const;

    /// The stem a protected word is indexed under where a document uses it as an ordinary word (see
    /// common_uses: "aurora" in a physics abstract, "les paris"); the word's stem otherwise.
    std::string common_use_stem(std::string_view folded, Lang lang) const;

    /// The stems (without prefix) a token of a `lang` text is indexed under, as index_tokens writes them:
    /// none for a stopword; the folded form for numbers, symbols and protected names written with a
    /// capital (unless `common_use`: the document uses that name as an ordinary word); else the word's
    /// stem and, when stemming its unaccented form gives another stem, that one too.
    std::vector<std::string> index_stems(const Token& tok, Lang lang, bool common_use = false) const;

    /// Adds the terms of `text` to `doc`, positions starting after `first_position`.
    /// Returns the last position used.
    Xapian::termpos index_text(Xapian::Document& doc, std::string_view utf8, Lang lang, const FieldOptions& field,
                               Xapian::termpos first_position = 0) const;

    /// As index_text, for tokens already made by tokenize(). `common_uses` (from common_uses()) lists
    /// protected names that this document uses as ordinary words.
    Xapian::termpos index_tokens(Xapian::Document& doc, const std::vector<Token>& tokens, Lang lang,
                                 const FieldOptions& field, Xapian::termpos first_position = 0,
                                 const std::unordered_set<std::string>* common_uses = nullptr) const;

    /// Protected names that a document uses only as ordinary words: seen in lower case and never
    /// capitalised inside a sentence ("Paris sportifs : ... les paris en ligne" is about bets, so its
    /// sentence-initial "Paris" is not the city).
    std::unordered_set<std::string> common_uses(const std::vector<const std::vector<Token>*>& fields) const;

    /// Rewrites a user query so that Xapian::QueryParser sees the index's word forms: elisions and
    /// possessives removed, acronyms and numbers canonical, words accent-folded. Query syntax
    /// (operators, quotes, brackets, field prefixes, wildcards) is kept; values of the fields named
    /// in `verbatim_fields` (e.g. date:) are copied unchanged.
    std::string normalize_query(std::string_view utf8, const std::vector<std::string>& verbatim_fields = {}) const;
    /// The same, from the tokens of `utf8` (tokenize()), for a caller that has them already.
    std::string normalize_query(std::string_view utf8, const std::vector<Token>& tokens,
                                const std::vector<std::string>& verbatim_fields) const;

    /// The exact accented forms (prefix E) of the query's words that carry diacritics.
    std::vector<std::string> exact_terms(std::string_view utf8) const;
    /// The same, from the query's tokens.
    static std::vector<std::string> exact_terms(const std::vector<Token>& tokens);

  private:
    /// A stem that collides with a protected name, made distinct from it (see analysis.cpp).
    std::string common_stem(std::string stem) const;
    /// index_stems without copies: `first` and `second` (either may be empty) stay valid until the next
    /// call on this thread.
    void stems_of(const Token& tok, Lang lang, bool common_use, std::string_view& first, std::string_view& second) const;

    AnalyzerSettings m_settings;
    std::shared_ptr<const ProtectedWords> m_protected;
};

/// Xapian stemmer plug-in giving the QueryParser exactly the analyzer's stems for one language.
class QueryStemmer : public Xapian::StemImplementation {
  public:
    QueryStemmer(std::shared_ptr<const Analyzer> analyzer, Lang lang);
    std::string operator()(const std::string& word) override;
    std::string get_description() const override;

  private:
    std::shared_ptr<const Analyzer> m_analyzer;
    Lang m_lang;
};

/// True for the boolean operators of the query syntax, written in capitals: AND, OR, NOT, XOR, NEAR, ADJ
/// (NEAR/n and ADJ/n are recognised by their prefix). The analyzer keeps them as typed; the searcher's
/// lexer ends a run of plain words at them.
bool is_query_operator(std::string_view word) noexcept;

}  // namespace dateline::common
