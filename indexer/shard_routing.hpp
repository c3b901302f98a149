// Where the articles of a writable index go: its shards (created as asked for a new index), each article's
// shard by id or by year, and in an index sharded by year the shard of a year met for the first time.
#pragma once

#include "document_builder.hpp"

#include "common/shard_layout.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dateline::indexer {

/// Metadata written into a new shard of a running index: (key, value) pairs.
using MetadataRecords = std::vector<std::pair<std::string, std::string>>;

/// The shard databases to write for the index at `path`, in stub order: the shards its stub lists (a
/// sharded index), or `path` itself (a single database). A new index is created sharded when `shards` > 1
/// (`path/shard-000` ... routed by id) or when `key` is ShardKey::year (`path/undated`, the shard of undated
/// articles, then one `path/year-YYYY` per year as articles come: ShardRouting::add_shard); the stub
/// `path/XAPIANDB` lists them, and Xapian (and every dateline reader) opens it as one database.
/// Throws common::UsageError when `shards` (non-zero) differs from an existing index's count, exceeds
/// common::k_max_shards, is given with ShardKey::year, or when `key` differs from an existing index's layout;
/// common::EnvironmentError when the stub lists a remote shard or cannot be read or written.
std::vector<std::string> writable_shards(const std::string& path, std::size_t shards,
                                         std::optional<common::ShardKey> key = std::nullopt);

/// The value of `--shard-by` ("id" or "year"); unset for "". Throws common::UsageError naming the value
/// otherwise.
std::optional<common::ShardKey> parse_shard_key(const std::string& value);

/// The year an article is filed under in an index sharded by year: its date's "YYYY", or
/// schema::k_shard_year_undated.
std::string shard_year_of(const BuiltDocument& built);

/// The layout of a writable index and the shard of each article.
class ShardRouting {
  public:
    /// No shard for the article yet (an index sharded by year meeting a new year): see add_shard.
    static constexpr std::size_t k_new_shard = static_cast<std::size_t>(-1);

    /// Opens (creating when new) the layout of the index at `path`: see writable_shards.
    ShardRouting(const std::string& path, std::size_t shards, std::optional<common::ShardKey> key);

    common::ShardKey key() const noexcept { return m_key; }
    /// The shard databases, in stub order.
    const std::vector<std::string>& paths() const noexcept { return m_paths; }
    std::size_t size() const noexcept { return m_paths.size(); }

    /// The shard of `built`: its id's shard (common::shard_of), or its year's; k_new_shard when the index is
    /// sharded by year and has no shard for that year yet.
    std::size_t shard_of(const BuiltDocument& built) const;

    /// Index sharded by year: creates the shard of `built`'s year with `records` written in it (committed),
    /// then lists it last in the stub, so that a crash in between leaves a shard no reader sees and the next
    /// run reuses. Returns its index. Throws common::UsageError when the index has common::k_max_shards shards
    /// already, common::EnvironmentError when the shard or the stub cannot be written.
    std::size_t add_shard(const BuiltDocument& built, const MetadataRecords& records);

  private:
    std::string m_path;
    common::ShardKey m_key = common::ShardKey::id;
    std::vector<std::string> m_paths;
    /// Index sharded by year: the shard of each year.
    std::map<std::string, std::size_t, std::less<>> m_years;
};

}  // namespace dateline::indexer
