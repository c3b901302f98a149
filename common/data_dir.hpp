// Where the programs find their data files (gazetteer, curated places, web assets, word tables).
#pragma once

#include <filesystem>
#include <vector>

namespace dateline::common {

/// The data directory of an installed program: share/dateline beside the bin/ directory of the running
/// executable (read from /proc/self/exe), so that an install under any prefix, or a moved install tree, finds
/// its own data. Empty if the executable's path cannot be read. Does not check that the directory exists.
std::filesystem::path installed_data_dir();

/// True if the running executable lies in the build tree it was compiled in (not an installed copy). Only
/// those programs read the source tree's data/ and server/web.
bool runs_from_build_tree();

/// The directories searched for data files, first match wins: $DATELINE_DATA_DIR when set, the source tree's
/// data/ for a program run from its build tree, then installed_data_dir().
std::vector<std::filesystem::path> data_search_path();

}  // namespace dateline::common
