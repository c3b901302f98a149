// Index statistics for GET /api/stats: documents, date range, languages, size on disk, last update.
// Thin code over Xapian, to move into dateline_searcher if other programs need it.
#pragma once

#include "searcher/index_reader.hpp"

#include <nlohmann/json.hpp>

namespace dateline::server {

/// Counts over the whole index: documents, undated documents, date range, documents per language,
/// bytes on disk of the local shards, the newest last-update stamp, and the same per shard.
nlohmann::json index_stats(const searcher::OpenIndex& index);

}  // namespace dateline::server
