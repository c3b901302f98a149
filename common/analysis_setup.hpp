// Building the Analyzer that indexes: the analysis settings with the gazetteer's protected place names.
#pragma once

#include "analysis.hpp"
#include "places.hpp"

#include <memory>

namespace dateline::common {

/// The gazetteer of this installation (Gazetteer::load_default), loaded once per process.
/// Throws EnvironmentError listing the directories tried when it cannot be found.
std::shared_ptr<const Gazetteer> shared_gazetteer();

/// The analyzer this build indexes with: current settings, place names of the gazetteer protected.
std::shared_ptr<const Analyzer> make_current_analyzer();

}  // namespace dateline::common
