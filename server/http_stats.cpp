// Index statistics over Xapian: counts, value bounds, metadata and directory sizes.
#include "http_stats.hpp"

#include "common/schema.hpp"

#include <algorithm>
#include <filesystem>

namespace dateline::server {

namespace schema = common::schema;

namespace {

/// "20240615" → "2024-06-15"; anything else unchanged.
std::string iso_day(const std::string& yyyymmdd) {
    if (yyyymmdd.size() != 8) return yyyymmdd;
    return yyyymmdd.substr(0, 4) + "-" + yyyymmdd.substr(4, 2) + "-" + yyyymmdd.substr(6, 2);
}

std::uintmax_t directory_bytes(const std::string& dir) {
    std::uintmax_t total = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::recursive_directory_iterator();
         it.increment(ec)) {
        std::error_code size_ec;
        if (it->is_regular_file(size_ec)) {
            const auto size = it->file_size(size_ec);
            if (!size_ec) total += size;
        }
    }
    return total;
}

}  // namespace

nlohmann::json index_stats(const searcher::OpenIndex& index) {
    const Xapian::Database& db = index.database;
    nlohmann::json j;
    j["documents"] = db.get_doccount();
    const std::string first = db.get_value_lower_bound(schema::k_slot_date);
    const std::string last = db.get_value_upper_bound(schema::k_slot_date);
    j["date_range"] = {{"from", first.empty() ? nlohmann::json(nullptr) : nlohmann::json(iso_day(first))},
                       {"to", last.empty() ? nlohmann::json(nullptr) : nlohmann::json(iso_day(last))}};
    j["undated"] = db.get_termfreq(std::string(schema::k_term_no_date));
    nlohmann::json langs = nlohmann::json::object();
    for (const char* code : {"en", "fr"}) langs[code] = db.get_termfreq(schema::lang_term(code));
    j["languages"] = langs;
    j["place_names"] = index.places ? std::string(index.places->kind()) : std::string("codes");
    std::uintmax_t bytes = 0;
    std::string last_update;
    nlohmann::json shards = nlohmann::json::array();
    for (const std::string& spec : index.shards) {
        nlohmann::json shard = {{"spec", spec}};
        if (!spec.starts_with("tcp:")) {
            const std::uintmax_t size = directory_bytes(spec);
            bytes += size;
            shard["size_bytes"] = size;
        }
        shards.push_back(std::move(shard));
    }
    // The combined database answers metadata from its first shard only: ask each one.
    for (std::size_t i = 0; i < index.shards.size(); ++i) {
        try {
            const std::string stamp = index.shards[i].starts_with("tcp:")
                                          ? (i == 0 ? db.get_metadata(std::string(schema::k_meta_last_update)) : std::string())
                                          : Xapian::Database(index.shards[i]).get_metadata(std::string(schema::k_meta_last_update));
            shards[i]["last_update"] = stamp.empty() ? nlohmann::json(nullptr) : nlohmann::json(stamp);
            last_update = std::max(last_update, stamp);
        } catch (const Xapian::Error&) {
            shards[i]["last_update"] = nullptr;
        }
    }
    j["index_size_bytes"] = bytes;
    j["last_update"] = last_update.empty() ? nlohmann::json(nullptr) : nlohmann::json(last_update);
    j["revision"] = index.shards.size() == 1 && !index.shards.front().starts_with("tcp:") ? nlohmann::json(db.get_revision())
                                                                                          : nlohmann::json(nullptr);
    j["shards"] = std::move(shards);
    return j;
}

}  // namespace dateline::server
