// Schema helpers: the article id term.
#include "schema.hpp"

#include <cstdio>

namespace dateline::common::schema {

std::string id_term(std::string_view id) {
    std::string term = std::string(k_prefix_id) + std::string(id);
    if (term.size() <= 240) return term;
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (const unsigned char c : id) h = (h ^ c) * 1099511628211ULL;
    char buf[24];
    std::snprintf(buf, sizeof buf, "h%016llx", static_cast<unsigned long long>(h));
    return std::string(k_prefix_id) + buf;
}

}  // namespace dateline::common::schema
