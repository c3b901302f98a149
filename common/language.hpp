// Languages dateline analyses (English, French), their names, and per-document language detection.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dateline::common {

/// A language of the archive. `unknown` means "not decided": detection or both-language handling applies.
enum class Lang { unknown, en, fr };

/// "en", "fr" or "" for unknown.
std::string_view lang_code(Lang lang) noexcept;

/// Parses "en"/"fr" (also "english", "french", "fra", "eng", case-insensitive).
/// Returns std::nullopt for anything else; see `parse_lang_or_throw` for the message form.
std::optional<Lang> parse_lang(std::string_view text);

/// As parse_lang, but "auto" gives Lang::unknown and anything else throws UsageError
/// "unknown language 'x'; expected one of: en, fr, auto".
Lang parse_lang_option(std::string_view text);

/// Outcome of language detection.
struct LanguageGuess {
    Lang lang = Lang::unknown;
    /// 0..1: share of the evidence for the chosen language.
    double confidence = 0.0;
    /// Which method decided: "cld2", "stopwords", "diacritics" or "none".
    std::string_view method = "none";
};

/// Detects English or French in UTF-8 text (title + body, or a query). Uses CLD2 and, when CLD2 is not
/// reliable (short texts such as titles and queries), a vote of English and French function words, then
/// French diacritics (their absence in a headline of three words or more means English).
LanguageGuess detect_language(std::string_view utf8_text);

/// The language of a search query: its function words first (a query is too short for CLD2 to be
/// right often: "chômage district de columbia baisse mars" reads as English to it), then CLD2 when it is
/// reliable; unknown otherwise (no guess from the mere presence or absence of accents).
LanguageGuess detect_query_language(std::string_view utf8_query);

}  // namespace dateline::common
