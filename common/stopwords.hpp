// English and French function words (folded forms), for the query stopper and the language vote.
#pragma once

#include "language.hpp"

#include <span>
#include <string_view>

namespace dateline::common {

/// Folded English function words ("the", "of", ...).
std::span<const std::string_view> english_stopwords() noexcept;
/// Folded French function words ("le", "de", "et", ...), accents removed ("a" for "à").
std::span<const std::string_view> french_stopwords() noexcept;

bool is_english_stopword(std::string_view folded) noexcept;
bool is_french_stopword(std::string_view folded) noexcept;
/// In either list.
bool is_stopword(std::string_view folded) noexcept;
/// In the list of `lang`; for Lang::unknown, in either list.
bool is_stopword_in(std::string_view folded, Lang lang) noexcept;

}  // namespace dateline::common
