// Snippets: passages of an article around the query's matches — stemmed, accent-folded and elided forms
// included — and their rendering as escaped HTML with <mark>, as bold on a terminal, or as plain text.
#pragma once

#include "query_builder.hpp"

#include "common/analysis.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dateline::searcher {

/// A piece of text with the byte ranges that match the query.
struct MarkedText {
    std::string text;
    /// Byte ranges [begin, end) in `text`, ascending, not overlapping.
    std::vector<std::pair<std::size_t, std::size_t>> marks;
    /// Text was cut before / after this piece (rendered as "…").
    bool cut_before = false;
    bool cut_after = false;
};

/// One or more passages of an article.
struct Snippet {
    std::vector<MarkedText> passages;
    /// The number of matches found in the part of the text scanned.
    std::size_t matches = 0;
};

/// Bounds on snippet making.
struct SnippetOptions {
    /// Only this many bytes of the body are scanned (bounded cost on a 1 MB article).
    std::size_t max_scan_bytes = 64 * 1024;
    /// Bytes read first; the rest (up to `max_scan_bytes`) only when these hold no match.
    std::size_t first_scan_bytes = 8 * 1024;
    /// Passages for a long article (one for a body shorter than `long_body_bytes`).
    std::size_t max_passages = 3;
    std::size_t long_body_bytes = 1500;
    /// Approximate length of a passage, in bytes.
    std::size_t passage_bytes = 200;
};

/// Finds the query's matches in texts. Cheap to construct; keeps a per-object stem cache.
class Highlighter {
  public:
    Highlighter(const common::Analyzer& analyzer, const HighlightTerms& terms);

    /// Byte ranges of the matches in `text` (valid UTF-8) written in `lang` (Lang::unknown: either).
    std::vector<std::pair<std::size_t, std::size_t>> find(std::string_view text, common::Lang lang);

    /// The best passages of `body`: those with the most distinct matches, in text order; the lead of the
    /// body when nothing matches.
    Snippet snippet(std::string_view body, common::Lang lang, const SnippetOptions& options = {});

    /// The whole of `text` (a title) with its matches marked.
    MarkedText mark_all(std::string_view text, common::Lang lang);

  private:
    /// A match: tokens [first_token, ...] covering bytes [begin, end).
    struct Hit {
        std::size_t token = 0;
        std::size_t begin = 0;
        std::size_t end = 0;
        std::string key;  ///< what matched (folded form), to count distinct matches
    };
    /// What is kept of a token: where it is, and its forms only when it may match (most tokens cannot,
    /// and are neither folded nor copied).
    struct Slot {
        std::size_t begin = 0;
        std::size_t end = 0;
        /// Index in Tokens::candidates, or -1.
        std::int32_t candidate = -1;
        common::TokenKind kind = common::TokenKind::word;
        bool sentence_start = false;
    };
    struct Tokens {
        std::vector<Slot> slots;
        std::vector<common::Token> candidates;
        std::size_t size() const noexcept { return slots.size(); }
        /// The folded form of token `k`, empty when it cannot match.
        std::string_view folded(std::size_t k) const {
            const auto c = slots[k].candidate;
            return c < 0 ? std::string_view() : std::string_view(candidates[static_cast<std::size_t>(c)].folded);
        }
    };
    Tokens tokenize(std::string_view text) const;
    std::vector<Hit> match(const Tokens& tokens, std::string_view text, common::Lang lang);
    bool matches(const common::Token& token, common::Lang lang);
    bool stem_matches(std::string_view lower, std::string_view folded, common::Lang lang);

    /// Token keys (first two bytes) any term could match: a token whose key is in neither set matches
    /// nothing, and most tokens of a text are rejected with two bit tests instead of hash lookups.
    class KeySet {
      public:
        KeySet() : m_bits(k_keys / 64, 0) {}
        /// Words equal to `s`, or with `starts_with`, beginning with it (`s` not empty: an empty prefix
        /// matches nothing, see matches()).
        void add(std::string_view s, bool starts_with);
        bool may_match(std::string_view s) const noexcept {
            const std::size_t k = key(s);
            return (m_bits[k / 64] >> (k % 64)) & 1U;
        }

      private:
        static constexpr std::size_t k_keys = 1U << 16;
        static std::size_t key(std::string_view s) noexcept {
            const auto b0 = s.empty() ? 0U : static_cast<unsigned char>(s[0]);
            const auto b1 = s.size() < 2 ? 0U : static_cast<unsigned char>(s[1]);
            return (std::size_t{b0} << 8) | b1;
        }
        void set(std::size_t k) { m_bits[k / 64] |= std::uint64_t{1} << (k % 64); }
        std::vector<std::uint64_t> m_bits;
    };
    bool may_match(const common::Token& token) const noexcept {
        return m_folded_keys.may_match(token.folded) || m_lower_keys.may_match(token.lower);
    }
    /// A token worth keeping with its forms: it may match, or be a later word of a phrase.
    bool may_keep(std::string_view folded, std::string_view lower) const noexcept {
        return m_folded_keys.may_match(folded) || m_lower_keys.may_match(lower) || m_phrase_keys.may_match(folded);
    }

    const common::Analyzer& m_analyzer;
    const HighlightTerms& m_terms;
    /// Keys of folded forms (words, stems, prefixes, phrase heads) and of lower-case forms (exact forms).
    KeySet m_folded_keys;
    KeySet m_lower_keys;
    /// Keys of the other words of phrases: such tokens are kept with their forms (a phrase is compared word
    /// by word) but are not matches by themselves.
    KeySet m_phrase_keys;
    /// Every stem but its last two bytes (at least two): most tokens are rejected without stemming.
    std::vector<std::string> m_stem_heads;
    /// HighlightTerms::phrases by first word.
    std::unordered_map<std::string, std::vector<const std::vector<std::string>*>> m_phrases_by_head;
    /// Stem matches already decided, by lower-case word and language.
    std::unordered_map<std::string, bool> m_stem_cache;
};

/// HTML: the text escaped, matches in <mark>…</mark>, whitespace runs as one space.
std::string render_html(const MarkedText& text);
std::string render_html(const Snippet& snippet);

/// Plain text (whitespace runs as one space); with `bold`, matches between ANSI bold and reset.
std::string render_text(const MarkedText& text, bool bold);
std::string render_text(const Snippet& snippet, bool bold);

/// Escapes & < > " ' for HTML text and attribute values.
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace dateline::searcher
