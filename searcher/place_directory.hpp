// Place names on the search side: what a user typed (a name in English or French, an ISO code, an id) →
// index terms and value-slot ids, and labels for facets and results.
#pragma once

#include "common/language.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dateline::common {
class Gazetteer;
}

namespace dateline::searcher {

/// A place as the searcher uses it.
struct PlaceRef {
    /// Canonical id, as in the index: "KP", "gn2013348", "x-chagos".
    std::string id;
    /// ISO 3166-1 alpha-2 code of its country; empty for areas spanning countries.
    std::string country;
    /// A country: filtering on it uses the country term, so articles about its cities match too.
    bool is_country = false;

    /// The boolean filter term: "XC" + code for a country, "XP" + id otherwise.
    std::string filter_term() const;
    friend bool operator==(const PlaceRef&, const PlaceRef&) = default;
};

/// Resolves place names and labels places. Implementations are immutable and thread-safe.
class PlaceDirectory {
  public:
    virtual ~PlaceDirectory() = default;

    /// The places `name` may denote, most likely first: an id ("gn2013348"), an ISO code ("KP", "kp"),
    /// or, with a gazetteer, a name in either language ("Corée du Nord", "North Korea", "DPRK").
    /// Empty when the name is unknown.
    virtual std::vector<PlaceRef> resolve(std::string_view name) const = 0;

    /// The place that words of a free-text query name, if any (`capitalized`: the user wrote the first
    /// word with a capital). Stricter than resolve(): ids and codes are not accepted, and a name that is
    /// also an ordinary word ("nice", "us") counts only when capitalized.
    virtual std::optional<PlaceRef> named_in_query(std::string_view words, bool capitalized) const = 0;

    /// The place's name in `lang` (English for Lang::unknown); the id itself when unknown.
    virtual std::string label(std::string_view id, common::Lang lang) const = 0;

    /// The names a text may call a place by, in both languages, aliases included, as folded words joined
    /// by one space ({"coree du nord", "north korea", ...}; see Gazetteer::names_of): what a query naming
    /// the place also matches, and what is highlighted whole.
    virtual std::vector<std::string> names(std::string_view id) const = 0;

    /// "gazetteer" or "codes" (ids and ISO codes only), for --explain and /stats.
    virtual std::string_view kind() const noexcept = 0;
};

/// A directory without names: ids and two-letter ISO codes only; labels are the ids.
std::shared_ptr<const PlaceDirectory> make_code_directory();

/// A directory over a loaded gazetteer.
std::shared_ptr<const PlaceDirectory> make_gazetteer_directory(const common::Gazetteer& gazetteer);

}  // namespace dateline::searcher
