// Where the programs find their data files: the environment, the source tree (build tree only), the install.
#include "data_dir.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

namespace dateline::common {
namespace {

/// The running executable's path, or empty. A binary replaced while it runs (a package upgrade) reads as
/// "/usr/bin/x (deleted)": the name is still the right place to look for the data installed beside it.
std::filesystem::path executable_path() {
    std::error_code ec;
    std::string path = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    if (ec) return {};
    constexpr std::string_view deleted = " (deleted)";
    if (path.ends_with(deleted)) path.resize(path.size() - deleted.size());
    return path;
}

}  // namespace

std::filesystem::path installed_data_dir() {
    const std::filesystem::path exe = executable_path();
    if (exe.empty()) return {};
    return (exe.parent_path() / DATELINE_BIN_TO_DATA_DIR).lexically_normal();
}

bool runs_from_build_tree() {
    const std::filesystem::path exe = executable_path();
    if (exe.empty()) return false;
    std::error_code ec;
    const std::filesystem::path build = std::filesystem::weakly_canonical(DATELINE_BUILD_DIR, ec);
    if (ec || build.empty()) return false;
    const auto [build_end, exe_at] = std::mismatch(build.begin(), build.end(), exe.begin(), exe.end());
    return build_end == build.end();
}

std::vector<std::filesystem::path> data_search_path() {
    std::vector<std::filesystem::path> dirs;
    if (const char* env = std::getenv("DATELINE_DATA_DIR"); env != nullptr && *env != '\0') dirs.emplace_back(env);
    if (runs_from_build_tree()) dirs.emplace_back(DATELINE_SOURCE_DATA_DIR);
    if (std::filesystem::path installed = installed_data_dir(); !installed.empty()) dirs.push_back(std::move(installed));
    return dirs;
}

}  // namespace dateline::common
