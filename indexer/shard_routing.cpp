// Shard layouts of writable indexes: creation, layout checks, routing by id or by year.
#include "shard_routing.hpp"

#include "index_writer.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace dateline::indexer {

namespace fs = std::filesystem;
namespace schema = common::schema;

namespace {

/// The year a shard of an index sharded by year holds: its k_meta_shard_year, or (a shard listed in the stub
/// but not created or not marked yet, after a crash) what its directory name says; "" for a shard routed by id.
std::string shard_year(const std::string& shard) {
    std::error_code ec;
    if (fs::exists(fs::path(shard) / "iamglass", ec)) {
        try {
            std::string year = Xapian::Database(shard).get_metadata(std::string(schema::k_meta_shard_year));
            if (!year.empty()) return year;
        } catch (const Xapian::Error& e) {
            throw common::EnvironmentError("cannot open shard '" + shard + "': " + e.get_description());
        }
    }
    const std::string name = fs::path(shard).filename().string();
    if (name == schema::k_shard_year_undated) return name;
    if (name.starts_with("year-")) return name.substr(5);
    return {};
}

std::string key_name(common::ShardKey key) { return key == common::ShardKey::year ? "year" : "id"; }

/// Creates (or opens, after a crash) the shard database `path` of `year` and writes `records` into it.
void create_year_shard(const std::string& path, std::string_view year, const MetadataRecords& records) {
    // A directory without a database in it is what a crash while creating the shard left (nothing is written
    // to a shard before it is whole): it is made again from nothing.
    std::error_code ec;
    if (fs::exists(path, ec) && !fs::exists(fs::path(path) / "iamglass", ec)) {
        fs::remove_all(path, ec);
        if (ec) throw common::EnvironmentError("cannot remove the unfinished shard '" + path + "': " + ec.message());
    }
    Xapian::WritableDatabase db = open_writable_index(path);
    try {
        db.set_metadata(std::string(schema::k_meta_shard_year), std::string(year));
        for (const auto& [key, value] : records) db.set_metadata(key, value);
        db.commit();
        db.close();
    } catch (const Xapian::Error& e) {
        throw common::EnvironmentError("cannot write shard '" + path + "': " + e.get_description());
    }
}

/// The stub lines of `paths`, shards of the index directory `dir`: their names inside it.
std::vector<std::string> stub_names(const std::string& dir, const std::vector<std::string>& paths) {
    std::vector<std::string> names;
    const fs::path base = fs::absolute(dir).lexically_normal();
    for (const std::string& shard : paths) {
        const fs::path p = fs::absolute(shard).lexically_normal();
        names.push_back(p.parent_path() == base ? p.filename().string() : p.string());
    }
    return names;
}

}  // namespace

std::vector<std::string> writable_shards(const std::string& path, std::size_t shards, std::optional<common::ShardKey> key) {
    if (shards > common::k_max_shards) {
        throw common::UsageError("--shards " + std::to_string(shards) + " is too many; at most " + std::to_string(common::k_max_shards));
    }
    if (key == common::ShardKey::year && shards != 0) {
        throw common::UsageError("--shards " + std::to_string(shards) + " with --shard-by year: the years decide the shards (one per year)");
    }
    const std::string stub = common::stub_file_of(path);
    if (!stub.empty()) {
        std::vector<std::string> listed = common::read_stub(stub);
        for (const std::string& shard : listed) {
            if (shard.starts_with("tcp:")) {
                throw common::EnvironmentError("index '" + path + "' lists the remote shard '" + shard +
                                               "'; write to the shards' own directories (remote shards are read-only)");
            }
        }
        const common::ShardKey existing = shard_year(listed.front()).empty() ? common::ShardKey::id : common::ShardKey::year;
        if (key && *key != existing) {
            throw common::UsageError("index '" + path + "' is sharded by " + key_name(existing) + ", not by " + key_name(*key) +
                                     "; re-index into a new directory to change it (docs/SCALING.md)");
        }
        if (shards != 0 && existing == common::ShardKey::year) {
            throw common::UsageError("index '" + path + "' is sharded by year: the years decide its shards, not --shards");
        }
        if (shards != 0 && shards != listed.size()) {
            throw common::UsageError("index '" + path + "' has " + std::to_string(listed.size()) + " shards, not " + std::to_string(shards) +
                                     ": articles are routed by their id over the shards it was created with; re-index into a new "
                                     "directory to change their number (docs/SCALING.md)");
        }
        return listed;
    }
    std::error_code ec;
    const bool exists = fs::exists(path, ec) && !fs::is_empty(path, ec);
    const bool by_year = key == common::ShardKey::year;
    if (shards <= 1 && !by_year) return {path};
    if (exists) {
        throw common::UsageError("index '" + path + "' is a single database; " +
                                 (by_year ? std::string("--shard-by year") : "--shards " + std::to_string(shards)) +
                                 " needs a new directory (or 'dateline-index compact' to merge shards into one)");
    }
    fs::create_directories(path, ec);
    if (ec) throw common::EnvironmentError("cannot create index directory '" + path + "': " + ec.message());
    if (by_year) {
        // The shard of undated articles first (it then holds the run state). The stub before it, as for
        // shards by id: a crash in between leaves a layout ShardRouting completes from the shard's name.
        const std::string undated = (fs::path(path) / common::year_shard_directory_name(schema::k_shard_year_undated)).string();
        common::write_stub(path, {common::year_shard_directory_name(schema::k_shard_year_undated)});
        create_year_shard(undated, schema::k_shard_year_undated, {});
        return {undated};
    }
    std::vector<std::string> names;
    std::vector<std::string> paths;
    for (std::size_t k = 0; k < shards; ++k) {
        names.push_back(common::shard_directory_name(k));
        paths.push_back((fs::path(path) / names.back()).string());
    }
    // The stub first: a crash before the shards exist leaves a layout the next run completes (each shard
    // database is created when first opened for writing), never a directory that looks like no index.
    common::write_stub(path, names);
    for (const std::string& shard : paths) open_writable_index(shard);
    return paths;
}

std::optional<common::ShardKey> parse_shard_key(const std::string& value) {
    if (value.empty()) return std::nullopt;
    if (value == "id") return common::ShardKey::id;
    if (value == "year") return common::ShardKey::year;
    throw common::UsageError("--shard-by '" + value + "': expected 'id' or 'year'");
}

std::string shard_year_of(const BuiltDocument& built) {
    const std::string year = built.document.get_value(schema::k_slot_year);
    const bool valid = year.size() == 4 && std::all_of(year.begin(), year.end(), [](unsigned char c) { return std::isdigit(c); });
    return valid ? year : std::string(schema::k_shard_year_undated);
}

ShardRouting::ShardRouting(const std::string& path, std::size_t shards, std::optional<common::ShardKey> key)
    : m_path(path), m_paths(writable_shards(path, shards, key)) {
    if (common::stub_file_of(path).empty()) return;
    for (std::size_t s = 0; s < m_paths.size(); ++s) {
        std::string year = shard_year(m_paths[s]);
        if (year.empty()) {
            if (s == 0) return;  // Routed by id.
            throw common::EnvironmentError("shard '" + m_paths[s] + "' of index '" + path +
                                           "', sharded by year, says no year (metadata " + std::string(schema::k_meta_shard_year) + ")");
        }
        // A shard the stub names that a crash left unmade or unmarked (the first, when the index was created).
        std::error_code ec;
        if (!fs::exists(fs::path(m_paths[s]) / "iamglass", ec) ||
            Xapian::Database(m_paths[s]).get_metadata(std::string(schema::k_meta_shard_year)).empty()) {
            create_year_shard(m_paths[s], year, {});
        }
        if (!m_years.emplace(year, s).second) {
            throw common::EnvironmentError("index '" + path + "' lists two shards of " + year + ": '" + m_paths[m_years[year]] +
                                           "' and '" + m_paths[s] + "'");
        }
    }
    m_key = common::ShardKey::year;
}

std::size_t ShardRouting::shard_of(const BuiltDocument& built) const {
    if (m_key == common::ShardKey::id) return common::shard_of(built.id_term, m_paths.size());
    const auto it = m_years.find(shard_year_of(built));
    return it == m_years.end() ? k_new_shard : it->second;
}

std::size_t ShardRouting::add_shard(const BuiltDocument& built, const MetadataRecords& records) {
    const std::string year = shard_year_of(built);
    if (const auto it = m_years.find(year); it != m_years.end()) return it->second;
    if (m_paths.size() >= common::k_max_shards) {
        throw common::UsageError("a shard for " + year + " would be shard " + std::to_string(m_paths.size() + 1) + " of index '" + m_path +
                                 "'; an index has at most " + std::to_string(common::k_max_shards) + " shards");
    }
    const std::string shard = (fs::path(m_path) / common::year_shard_directory_name(year)).string();
    create_year_shard(shard, year, records);
    std::vector<std::string> paths = m_paths;
    paths.push_back(shard);
    common::write_stub(m_path, stub_names(m_path, paths));
    m_paths = std::move(paths);
    m_years.emplace(year, m_paths.size() - 1);
    return m_paths.size() - 1;
}

}  // namespace dateline::indexer
