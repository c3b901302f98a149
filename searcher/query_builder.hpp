// Query text → Xapian::Query: the shared analysis, Xapian's query syntax read in English and in French,
// field prefixes (title:, place:/lieu:, lang:, source:, date:), filters, and the ranking boosts
// (phrase and proximity of adjacent words, exact accented forms, places named in the query).
#pragma once

#include "index_reader.hpp"
#include "place_directory.hpp"

#include <xapian.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace dateline::searcher {

/// Field names of the query syntax, as typed before ':' (English and French): fields searching text, and
/// filters (whose values the analysis copies unchanged).
inline constexpr std::array<std::string_view, 2> k_query_text_fields = {"title", "titre"};
inline constexpr std::array<std::string_view, 6> k_query_filter_fields = {"date", "lang", "langue", "source", "place", "lieu"};

/// Which articles a ranked list holds: those with every plain word of the query (the head), or those with
/// any of them (the head first when there is one, then the best articles that miss words).
enum class MatchMode { all_words, any_word };

/// "all" or "any".
std::string_view match_mode_name(MatchMode mode) noexcept;

/// Ranking boosts and the limits that keep hostile queries cheap.
struct QueryOptions {
    /// Longer query text is cut (at a word boundary) to this many bytes, with a warning.
    std::size_t max_query_bytes = 1024;
    /// A trailing wildcard expands to at most this many terms, the most frequent ones.
    Xapian::termcount max_wildcard_expansion = 200;
    /// Weight multiplier of the phrase boost (adjacent query words found adjacent).
    double phrase_boost = 0.3;
    /// Weight multiplier of the proximity boost (all words of a run within a few positions).
    double proximity_boost = 0.15;
    /// Weight added when a place named by the query is the article's most salient place; it decreases
    /// linearly to a third of it for the 8th place slot.
    double place_boost = 2.0;
    /// Weight added to the articles dated in a year that the query names among its words ("cbo deficit
    /// 1996"), where the year also counts as present for the head: a reader types the year of the story,
    /// which its text need not contain. 0: neither. Chosen on the development known-item sets (2, 4: no
    /// rank changed; 8: two queries up; 12: one down), then measured on the held-out ones: English 0.795 ->
    /// 0.851, French 0.800 -> 0.813 (docs/BENCHMARKS.md).
    double year_boost = 8.0;
    /// Weight multiplier of a place's names in either language, one synonym ("north korea", "coree du
    /// nord"...), when query words name the place: the concept weighs the same in both languages.
    double place_name_weight = 1.0;
    /// Weight multiplier of exact accented forms ("élection" typed, "élection" written).
    double exact_form_boost = 1.0;
    /// Plain words considered for boosts and place names (the rest still match normally).
    std::size_t max_boost_words = 16;
    /// Phrase and proximity boosts only for queries of at most this many content words: a short query's
    /// adjacent words are meant together; in a pasted paragraph, common word pairs ("a annoncé") would
    /// outweigh its rare words (known-item MRR@10 on OrangeSum headings: 0.435 with them, 0.524 without).
    std::size_t max_phrase_boost_words = 8;
    /// A word whose English and French readings give the same term weighs once, not once per reading (the
    /// OR of the readings summed both: names weighed twice as much as other words).
    bool weigh_each_word_once = true;
    /// When the query's language is known (its function words), the forms only the other language's
    /// reading gives weigh this share of their weight.
    double other_reading_weight = 0.2;
    /// Weight multiplier of a word's translations into the other language (one synonym of them, beside
    /// the word): below 1, so that an article in the query's language comes first when it matches as well.
    double translation_weight = 0.8;
};

/// Filters given beside the query text (command-line options, API parameters); all optional.
struct QueryFilters {
    /// Inclusive bounds: "YYYY", "YYYY-MM" or "YYYY-MM-DD".
    std::string from;
    std::string to;
    /// Place names, ISO codes or ids; an article about any of them matches.
    std::vector<std::string> places;
    /// "en" or "fr" (also "english", "french"...).
    std::string lang;
    /// Source name, matched case- and accent-insensitively.
    std::string source;
};

/// The forms a query matches, for highlighting.
struct HighlightTerms {
    /// Stems (accent-folded), from Z and ZS terms.
    std::unordered_set<std::string> stems;
    /// Folded words, from positional terms (phrases) and place names.
    std::unordered_set<std::string> words;
    /// Lower-case accented forms, from E terms.
    std::unordered_set<std::string> exact;
    /// Folded prefixes of trailing wildcards.
    std::vector<std::string> prefixes;
    /// Folded word sequences marked only whole: the names of places the query names ("coree du nord").
    std::vector<std::vector<std::string>> phrases;

    bool empty() const noexcept {
        return stems.empty() && words.empty() && exact.empty() && prefixes.empty() && phrases.empty();
    }
};

/// A place the words of a query name ("North Korea" → KP).
struct QueryPlace {
    /// The words as typed.
    std::string words;
    PlaceRef place;
    /// The place's name (filled by the Searcher in the request's language).
    std::string label;
};

/// Query words also searched in the other language.
struct QueryTranslation {
    /// The words as typed ("unemployment", "prime minister").
    std::string words;
    /// Their language (the translations are in the other one).
    common::Lang from = common::Lang::unknown;
    /// The translations searched, best first, as the word table writes them ("chômage").
    std::vector<std::string> targets;
    /// Byte range of the words in the (sanitized) query text.
    std::size_t begin = 0;
    std::size_t end = 0;
};

/// A word of the query as typed, for spelling suggestions.
struct QueryWord {
    /// Folded form (the positional term).
    std::string folded;
    /// Byte range in the (sanitized) query text.
    std::size_t begin = 0;
    std::size_t end = 0;
    /// Written with a capital first letter.
    bool capitalized = false;
    /// Written with diacritics.
    bool accented = false;
};

/// A query ready to run.
struct BuiltQuery {
    /// What an article must match: any plain word of the English or the French reading (operators, phrases,
    /// required and excluded words and filters keep their meaning). Empty for a query without text (all
    /// articles, or only filters).
    Xapian::Query text;
    /// The articles with every plain word of a reading: the head of the list. Empty when it is `text`
    /// (one word, or only operators).
    Xapian::Query all_words;
    /// The readings `text` is the OR of (one when they are the same). An article matching both weighs as
    /// their sum, so the words they share count twice (OP_MAX would not, but crashes Xapian 1.4.22 on some
    /// long relaxed queries).
    std::vector<Xapian::Query> readings;
    /// The word-level parts of the readings (a stem, a phrase, a place name's words or its place term...),
    /// each once: an article's coordination is how many of them it matches.
    std::vector<Xapian::Query> word_parts;
    /// Plain words of the query that are not stopwords (numbers included): decides whether it gets a head.
    std::size_t content_words = 0;
    /// A weight-only part of the query.
    struct Boost {
        /// "phrase", "proximity", "exact forms", "places"; a name repeats for each phrase of a query.
        std::string name;
        Xapian::Query query;
        /// Reads word positions (phrase, proximity): costly for every candidate, so applied to the best
        /// candidates only (the rescoring window, see Searcher).
        bool positional = false;
        /// A constant that only orders the head before the tail: left out of the weight reported for an
        /// article and of its explanation (it depends on the query's maximum weight, which depends on how
        /// the archive is sharded).
        bool tier = false;
    };
    /// Each applied with its own OP_AND_MAYBE. Not one OR of them: Xapian 1.4.22, on a glass database, can
    /// give an OR's PHRASE child its weight for an article with the words near but not adjacent ("film
    /// award": a BBC article with "film" and "award" 8 words apart got the phrase weight).
    std::vector<Boost> boost_parts;
    /// Filters from QueryFilters (filters written in the text are inside `text`). May be empty.
    Xapian::Query filter;
    /// The query has words to rank by; otherwise every match weighs 0.
    bool has_text = false;
    HighlightTerms highlight;
    std::vector<QueryPlace> places;
    std::vector<QueryTranslation> translations;
    std::vector<QueryWord> words;
    /// Things the user should know: truncation, repaired UTF-8, an unknown place, a syntax error worked around.
    std::vector<std::string> warnings;
    /// The sanitized query text (what the words' byte ranges refer to).
    std::string sanitized;
    /// The text given to Xapian::QueryParser (after Analyzer::normalize_query).
    std::string normalized;

    /// (text FILTER filter) AND_MAYBE each boost part; MatchAll when there is no text.
    Xapian::Query full() const;
    /// full() restricted to the articles `only` matches (a boolean query), filtered inside the boosts.
    Xapian::Query full_within(const Xapian::Query& only) const;
    /// full() without the positional boosts: the first stage of a rescored search.
    Xapian::Query without_positional() const;
    bool has_positional_boosts() const;
    /// The articles `full()` matches, without the weight-only boosts: text FILTER filter.
    Xapian::Query matches() const;
};

/// Builds queries for one index. Not thread-safe (it keeps two configured QueryParsers): one per Searcher.
class QueryBuilder {
  public:
    explicit QueryBuilder(const OpenIndex& index, QueryOptions options = {});
    ~QueryBuilder();
    QueryBuilder(const QueryBuilder&) = delete;
    QueryBuilder& operator=(const QueryBuilder&) = delete;

    const QueryOptions& options() const noexcept { return m_options; }

    /// Builds the query for `text` (any bytes: repaired, capped, never throws for syntax) and `filters`;
    /// with `translate`, its plain words also match their translations (when the index has a word table).
    /// Throws common::UsageError naming the part for a bad date, language or filter value.
    BuiltQuery build(std::string_view text, const QueryFilters& filters, bool translate = true);

    /// A weight-only query favouring articles whose most salient places are `place_ids`: from the place
    /// rank terms when the index has them, else from the place slots (the same weights).
    Xapian::Query place_boost(const std::vector<std::string>& place_ids) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    QueryOptions m_options;
};

/// A weight-only query adding `weight` to every article `which` matches (a built-in posting source:
/// remote shards know it). The place boost, the head's constant and coordination are made of these.
Xapian::Query constant_weight(double weight, const Xapian::Query& which);

/// Makes `raw` usable as query text: valid UTF-8 (invalid bytes replaced), control characters as spaces,
/// at most `max_bytes` bytes (cut at a space when possible). Appends a warning for each change.
std::string sanitize_query(std::string_view raw, std::size_t max_bytes, std::vector<std::string>& warnings);

/// "YYYY", "YYYY-MM" or "YYYY-MM-DD" → "YYYYMMDD", the first (or with `upper`, the last) day it covers.
/// Throws common::UsageError "bad <what> 'x'; expected YYYY, YYYY-MM or YYYY-MM-DD".
std::string date_bound(std::string_view text, bool upper, std::string_view what);

}  // namespace dateline::searcher
