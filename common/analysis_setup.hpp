// Building the Analyzer that indexes: the analysis settings with the gazetteer's protected place names.
#pragma once

#include "analysis.hpp"
#include "places.hpp"

#include <memory>
#include <string_view>

namespace dateline::common {

/// The gazetteer of this installation (Gazetteer::load_default), loaded once per process.
/// Throws EnvironmentError listing the directories tried when it cannot be found.
std::shared_ptr<const Gazetteer> shared_gazetteer();

/// The analyzer this build indexes with: current settings, place names of the gazetteer protected.
std::shared_ptr<const Analyzer> make_current_analyzer();

/// What an index is opened for: reading (any shard of a search) or appending (which must analyse exactly as
/// the index was written, or stems would mix).
enum class IndexAccess { read, write };

/// The one compatibility check of an index's metadata against this build, used by the searcher and the
/// indexer. `version` is the stored layout version (schema::k_meta_version), `stored` the stored analysis
/// settings and `current` those this process analyses with (its gazetteer loaded). Throws EnvironmentError
/// naming the index, what differs and what to do. An empty `version` is not checked here (a new index, or
/// one the caller reports as not dateline's).
void check_index_compatible(std::string_view index, std::string_view version, const AnalyzerSettings& stored,
                            const AnalyzerSettings& current, IndexAccess access);

/// The layout-version part of check_index_compatible alone (before the settings can be read).
void check_layout_version(std::string_view index, std::string_view version, IndexAccess access);

}  // namespace dateline::common
