// FNV-1a, the 64-bit non-cryptographic hash dateline uses for ids, fingerprints and list identities.
#pragma once

#include <cstdint>
#include <string_view>

namespace dateline::common {

inline constexpr std::uint64_t k_fnv1a_offset = 1469598103934665603ULL;

/// FNV-1a of `s`, continuing from `h` (chain calls to hash several fields).
constexpr std::uint64_t fnv1a64(std::string_view s, std::uint64_t h = k_fnv1a_offset) noexcept {
    for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return h;
}

}  // namespace dateline::common
