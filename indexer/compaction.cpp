// Shard compaction and merging through Xapian::Database::compact.
#include "compaction.hpp"

#include "index_writer.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"
#include "common/shard_layout.hpp"

#include <xapian.h>

#include <filesystem>

namespace dateline::indexer {

namespace fs = std::filesystem;
namespace schema = common::schema;

namespace {

std::size_t directory_bytes(const fs::path& dir) {
    std::size_t total = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) total += static_cast<std::size_t>(it->file_size(ec));
    }
    return total;
}

}  // namespace

CompactionSummary compact_in_place(const std::string& db_path) {
    CompactionSummary summary;
    for (const std::string& shard : writable_shards(db_path, 0)) {
        const fs::path path(shard);
        if (!fs::exists(path / "iamglass")) {
            throw common::EnvironmentError("cannot compact '" + shard + "': not a glass database");
        }
        const fs::path fresh = path.string() + ".compacting";
        Xapian::WritableDatabase locked;
        const fs::path old = path.string() + ".before-compaction";
        std::error_code ec;
        fs::remove_all(fresh, ec);
        summary.bytes_before += directory_bytes(path);
        try {
            // The write lock, held while compacting, keeps dateline-index (and the server's writes) out.
            locked = open_writable_index(shard);
            summary.documents += locked.get_doccount();
            // A shard whose articles did not change since it was compacted (a past year's) is left as it is.
            std::string stamp = locked.get_metadata(std::string(schema::k_meta_writes));
            if (stamp.empty()) stamp = "0";
            if (locked.get_metadata(std::string(schema::k_meta_compacted)) == stamp) {
                locked.close();
                ++summary.unchanged;
                summary.bytes_after += directory_bytes(path);
                continue;
            }
            locked.set_metadata(std::string(schema::k_meta_compacted), stamp);
            locked.commit();
            locked.compact(fresh.string(), Xapian::DBCOMPACT_NO_RENUMBER);
            locked.close();
        } catch (const Xapian::Error& e) {
            fs::remove_all(fresh, ec);
            throw common::EnvironmentError("cannot compact '" + shard + "': " + e.get_description());
        }
        fs::rename(path, old, ec);
        if (!ec) fs::rename(fresh, path, ec);
        if (ec) throw common::EnvironmentError("cannot replace '" + shard + "' by its compacted copy '" + fresh.string() + "': " + ec.message());
        fs::remove_all(old, ec);
        summary.bytes_after += directory_bytes(path);
        ++summary.shards;
    }
    return summary;
}

CompactionSummary merge_shards(const std::string& db_path, const std::string& out_path) {
    std::error_code ec;
    if (fs::exists(out_path, ec)) throw common::UsageError("'" + out_path + "' exists; name a new directory for the merged index");
    CompactionSummary summary;
    try {
        Xapian::Database all;
        for (const std::string& shard : writable_shards(db_path, 0)) {
            all.add_database(Xapian::Database(shard));
            summary.bytes_before += directory_bytes(shard);
            ++summary.shards;
        }
        summary.documents = all.get_doccount();
        // Metadata present in several shards (the layout version, the analysis settings, file records) is
        // the same in each; the compactor keeps the first shard's value.
        all.compact(out_path, Xapian::DBCOMPACT_MULTIPASS);
    } catch (const Xapian::Error& e) {
        fs::remove_all(out_path, ec);
        throw common::EnvironmentError("cannot merge the shards of '" + db_path + "' into '" + out_path + "': " + e.get_description());
    }
    summary.bytes_after = directory_bytes(out_path);
    return summary;
}

}  // namespace dateline::indexer
