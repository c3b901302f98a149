// The sharded index layout: a directory of shard databases and the Xapian stub database listing them,
// stub files naming remote shards, and the stable routing of an article id to its shard.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dateline::common {

/// The stub file Xapian opens inside a directory: `DIR/XAPIANDB` (one `auto PATH` or `remote HOST:PORT` per
/// line). Xapian::Database(DIR) then opens all shards as one database, so any Xapian tool reads the layout.
inline constexpr std::string_view k_stub_file_name = "XAPIANDB";
/// Most shards a sharded index is created with.
inline constexpr std::size_t k_max_shards = 64;

/// The directory name of shard `index` (0-based) in a sharded index: "shard-000", "shard-001", ...
std::string shard_directory_name(std::size_t index);

/// What routes an article to its shard: a stable hash of its id (the default: shards of even size, written
/// in parallel), or its year (`--shard-by year`: one shard per year, so that an archive grows by adding a
/// shard and the shards of past years stop changing).
enum class ShardKey { id, year };

/// The directory name of the shard of `year` in an index sharded by year: "year-2019", or "undated" for
/// schema::k_shard_year_undated.
std::string year_shard_directory_name(std::string_view year);

/// The stub file of `path` when it is one: `path` itself when it is a file, `path/XAPIANDB` when that
/// exists; empty otherwise (a single database, or nothing yet).
std::string stub_file_of(const std::string& path);

/// The shards a stub file lists, as the searcher's specs: local paths made absolute (relative ones are
/// relative to the stub's directory, as Xapian reads them) and "tcp:HOST:PORT" for `remote HOST:PORT` lines.
/// Blank lines and '#' comments are skipped. Throws EnvironmentError naming `stub:line` and the bad
/// line for anything else (remote programs, unknown backends, a stub that lists nothing).
std::vector<std::string> read_stub(const std::string& stub);

/// Writes `DIR/XAPIANDB` listing `shard_names` (directories inside `dir`, as `auto NAME` lines), atomically
/// (written beside it, then renamed). Throws EnvironmentError when it cannot be written.
void write_stub(const std::string& dir, const std::vector<std::string>& shard_names);

/// The shard (0 .. shard_count-1) an article id term goes to: common::fnv1a64 of its bytes modulo the count.
/// Stable across runs, builds and machines, so that re-indexing an id replaces it in its shard.
std::size_t shard_of(std::string_view id_term, std::size_t shard_count) noexcept;

/// Where a document of a database that combines `shard_count` shards lives: Xapian interleaves them, document
/// d of shard s (0-based) being (d - 1) * shard_count + s + 1 in the combination.
struct ShardDocid {
    std::size_t shard = 0;
    std::uint32_t docid = 0;  // in the shard (a Xapian::docid)
};
/// The shard and shard docid of `combined` (a docid of the combination; > 0).
constexpr ShardDocid split_docid(std::uint32_t combined, std::size_t shard_count) noexcept {
    return {(combined - 1) % shard_count, static_cast<std::uint32_t>((combined - 1) / shard_count + 1)};
}
/// The docid in the combination of document `docid` (> 0) of shard `shard`.
constexpr std::uint32_t combined_docid(std::uint32_t docid, std::size_t shard, std::size_t shard_count) noexcept {
    return static_cast<std::uint32_t>((docid - 1) * shard_count + shard + 1);
}

}  // namespace dateline::common
