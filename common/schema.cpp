// Schema helpers: the article id term.
#include "schema.hpp"

#include "hash.hpp"

#include <cstdio>

namespace dateline::common::schema {

std::string id_term(std::string_view id) {
    std::string term = std::string(k_prefix_id) + std::string(id);
    if (term.size() <= 240) return term;
    const std::uint64_t h = fnv1a64(id);
    char buf[24];
    std::snprintf(buf, sizeof buf, "h%016llx", static_cast<unsigned long long>(h));
    return std::string(k_prefix_id) + buf;
}

std::string place_rank_term(std::size_t rank, std::string_view id) {
    std::string term(k_prefix_place_rank);
    term += static_cast<char>('0' + rank);
    term += id;
    return term;
}

}  // namespace dateline::common::schema
