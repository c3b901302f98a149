// Unicode text helpers on UTF-8 strings, all through ICU: repair, NFC, case folding, accent folding.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dateline::common {

/// Text made valid UTF-8, with what had to be done to it.
struct Utf8Repair {
    std::string text;
    /// Number of byte sequences replaced by U+FFFD.
    std::size_t replaced = 0;
    /// True when the input was not UTF-8 and was decoded as Windows-1252 (a superset of Latin-1).
    bool decoded_as_latin1 = false;
};

/// True if `bytes` is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view bytes);

/// Makes `bytes` valid UTF-8. Valid input is returned unchanged. Input in which most non-ASCII bytes
/// are not valid UTF-8 is decoded as Windows-1252 (old Latin-1 archives); otherwise every invalid
/// sequence becomes U+FFFD. Never throws on bad input.
Utf8Repair repair_utf8(std::string_view bytes);

/// Unicode NFC normalization of valid UTF-8.
std::string to_nfc(std::string_view utf8);

/// Full Unicode case folding of valid UTF-8 (ICU), then NFC: "Straße" → "strasse", "ÉTATS" → "états".
std::string fold_case(std::string_view utf8);

/// Removes diacritics (canonical decomposition, combining marks dropped) and expands the ligatures
/// œ/æ of already case-folded UTF-8: "corée" → "coree", "œuvre" → "oeuvre".
std::string fold_accents(std::string_view lower_utf8);

/// fold_case then fold_accents: the form every name lookup uses.
std::string fold_for_match(std::string_view utf8);

/// True if the UTF-8 string contains only ASCII bytes.
bool is_ascii(std::string_view s) noexcept;

/// A-Z to a-z; every other byte as is (UTF-8 continuation and lead bytes included).
constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
/// The same for every byte of `s` (names of HTML elements and attributes, URL schemes, query fields).
std::string ascii_lower(std::string_view s);

/// Appends `c` to `out` escaped for HTML text and attribute values (& < > " ').
void append_html_escaped(std::string& out, char c);

/// Truncates valid UTF-8 to at most `max_bytes` bytes without cutting a code point.
std::string_view truncate_utf8(std::string_view utf8, std::size_t max_bytes) noexcept;

}  // namespace dateline::common
