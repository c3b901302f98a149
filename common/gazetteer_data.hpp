// The gazetteer's tables and name index (Gazetteer::Data) and the name entries the gazetteer builds and the
// place extractor reads. Private to common/: included by gazetteer.cpp and places.cpp only.
#pragma once

#include "places.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace dateline::common {

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

/// A name of the index denotes this place.
struct NameEntry {
    std::uint32_t place = 0;
    std::uint8_t flags = 0;
};
inline constexpr std::uint8_t k_entry_demonym = 1;   ///< "Russian", "nord-coréenne"
inline constexpr std::uint8_t k_entry_capitals = 2;  ///< matches only when written in capitals ("US", "U.S.")
inline constexpr std::uint8_t k_entry_lower_first = 4;  ///< the name starts with a lower-case word ("golfe Persique")
/// A seat of power or an institution that stands for its country ("the Kremlin", "Wall Street"); always
/// with k_entry_demonym, which it shares every rule with but one: it is capitalized in French too.
inline constexpr std::uint8_t k_entry_metonym = 8;

inline constexpr std::uint8_t k_word_en = 1;
inline constexpr std::uint8_t k_word_fr = 2;

/// Longest name, in tokens, the matcher tries.
inline constexpr std::size_t k_max_name_tokens = 8;

/// Articles dropped from the start of a name: "The Hague" is found in "in the Hague" and "La Haye" in "de La Haye".
inline constexpr auto k_leading_articles = std::to_array<std::string_view>({"the", "le", "la", "les"});

inline std::uint8_t lang_mask(Lang lang) {
    switch (lang) {
        case Lang::en: return k_word_en;
        case Lang::fr: return k_word_fr;
        case Lang::unknown: break;
    }
    return k_word_en | k_word_fr;
}

struct Gazetteer::Data {
    std::vector<Place> places;
    StringMap<std::uint32_t> by_id;
    /// Name key (folded tokens joined by one space) → the places it may denote, highest prior first.
    StringMap<std::vector<NameEntry>> names;
    /// First token of a name key → most tokens of a key starting with it (the n-gram bound).
    StringMap<std::uint8_t> first_tokens;
    /// The same for the keys that may start with a lower-case word (demonyms, "golfe Persique"). Most
    /// lower-case words of a text are function words that start no such key: one lookup in a small table.
    StringMap<std::uint8_t> lower_first_tokens;
    /// Bit (length, capped at 31) of row (first byte) is set if some lower_first_tokens key has that shape:
    /// rules out function words ("de", "et", "les") without hashing them.
    std::array<std::uint32_t, 256> lower_first_shapes{};

    bool may_start_lower(std::string_view folded) const noexcept {
        return !folded.empty() && (lower_first_shapes[static_cast<unsigned char>(folded[0])] &
                                   (1u << std::min<std::size_t>(folded.size(), 31))) != 0;
    }
    /// Folded ordinary words: k_word_en | k_word_fr.
    StringMap<std::uint8_t> common_words;
    /// Folded words that are also first names or surnames.
    StringSet person_words;
    /// Place index → its country's place index (itself for a country), or -1.
    std::vector<std::int32_t> country_of;
    /// Place index → its region's place index, or -1.
    std::vector<std::int32_t> region_of;
    std::vector<double> priors;
    /// Place index → the name keys a text may call it by (Gazetteer::names_of).
    std::vector<std::vector<std::string>> text_names;
};

/// The prior of `place` as one reading of a name whose readings are `entries`: a division named after its
/// chief city ("Pyongyang", "Port Louis") yields to the city.
double name_prior(const Gazetteer::Data& data, const std::vector<NameEntry>& entries, std::uint32_t place);

}  // namespace dateline::common
