// Compacting an index with Xapian's compactor (the library behind xapian-compact): each shard in place, or
// all shards merged into one new database.
#pragma once

#include <cstddef>
#include <string>

namespace dateline::indexer {

/// What a compaction did.
struct CompactionSummary {
    /// Shards compacted (or merged).
    std::size_t shards = 0;
    /// Shards left as they were: not written since their last compaction (compact_in_place).
    std::size_t unchanged = 0;
    std::size_t documents = 0;
    std::size_t bytes_before = 0;
    std::size_t bytes_after = 0;
};

/// Compacts every shard of the index at `db_path` (or its single database) in place: each is compacted
/// into a sibling directory which then replaces it. A shard whose articles did not change since its last
/// compaction (schema::k_meta_compacted: a past year's shard of an index sharded by year) is skipped. Run it while no dateline-index writes to the index
/// (a shard being written is refused: its lock is taken for the whole compaction). Readers reopen.
/// Throws common::EnvironmentError naming the shard on any Xapian or file system error; the shard is then
/// left as it was.
CompactionSummary compact_in_place(const std::string& db_path);

/// Merges all shards of the index at `db_path` into one new database at `out_path` (which must not exist),
/// compacted: the way to change the number of shards of an archive that no longer grows, or to serve it
/// from one database. Throws common::UsageError when `out_path` exists, common::EnvironmentError otherwise.
CompactionSummary merge_shards(const std::string& db_path, const std::string& out_path);

}  // namespace dateline::indexer
