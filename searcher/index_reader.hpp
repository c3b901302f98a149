// Opening an index for searching: local directories and remote shards, version check, analyzer rebuild.
#pragma once

#include "common/analysis.hpp"

#include <xapian.h>

#include <memory>
#include <string>
#include <vector>

namespace dateline::searcher {

/// An index opened for searching: one or more shards combined, and the analyzer they were built with.
struct OpenIndex {
    Xapian::Database database;
    std::shared_ptr<const common::Analyzer> analyzer;
    /// The shard specs, as given.
    std::vector<std::string> shards;
};

/// Opens shards given as local directories or "tcp:HOST:PORT" (a xapian-tcpsrv); a spec may also
/// list several shards separated by commas. Each shard must carry dateline metadata of this build's
/// layout version and the same analysis settings. Throws common::EnvironmentError naming the shard.
OpenIndex open_index(const std::vector<std::string>& specs);

}  // namespace dateline::searcher
