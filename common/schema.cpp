// Schema helpers: the terms built from values (id, place rank, filters).
#include "schema.hpp"

#include "hash.hpp"
#include "text.hpp"

#include <cstdio>

namespace dateline::common::schema {

namespace {
/// `prefix` + `value`, or `prefix` + "h" + a hash of `value` when that is too long for a Xapian term.
std::string unique_term(std::string_view prefix, std::string_view value) {
    std::string term = std::string(prefix) + std::string(value);
    if (term.size() <= 240) return term;
    const std::uint64_t h = fnv1a64(value);
    char buf[24];
    std::snprintf(buf, sizeof buf, "h%016llx", static_cast<unsigned long long>(h));
    return std::string(prefix) + buf;
}
}  // namespace

std::string id_term(std::string_view id) { return unique_term(k_prefix_id, id); }

std::string origin_term(std::string_view absolute_path) { return unique_term(k_prefix_origin, absolute_path); }

std::string place_rank_term(std::size_t rank, std::string_view id) {
    std::string term(k_prefix_place_rank);
    term += static_cast<char>('0' + rank);
    term += id;
    return term;
}

namespace {
std::string prefixed(std::string_view prefix, std::string_view value) {
    std::string term(prefix);
    term += value;
    return term;
}
}  // namespace

std::string lang_term(std::string_view code) { return prefixed(k_prefix_lang, code); }

std::string day_term(std::string_view yyyymmdd) { return prefixed(k_prefix_day, yyyymmdd.substr(0, 8)); }

std::string month_term(std::string_view yyyymm) { return prefixed(k_prefix_month, yyyymm.substr(0, 6)); }

std::string year_term(std::string_view yyyy) { return prefixed(k_prefix_year, yyyy.substr(0, 4)); }

std::string source_term(std::string_view name) { return prefixed(k_prefix_source, truncate_utf8(fold_for_match(name), 200)); }

std::string place_term(std::string_view id) { return prefixed(k_prefix_place, id); }

std::string country_term(std::string_view code) { return prefixed(k_prefix_country, code); }

std::string dateline_term(std::string_view id) { return prefixed(k_prefix_dateline, id); }

}  // namespace dateline::common::schema
