// Tests of the data search path: the environment first, the source tree for build-tree programs, then the
// share/dateline directory found from the running executable (issue 24; the install test runs an installed copy).
#include "common/data_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

using namespace dateline::common;

TEST_CASE("the installed data directory is share/dateline beside the executable's bin/", "[data]") {
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe");
    CHECK(installed_data_dir() == (exe.parent_path() / ".." / "share" / "dateline").lexically_normal());
}

TEST_CASE("a test program runs from the build tree and reads the source tree's data", "[data]") {
    ::unsetenv("DATELINE_DATA_DIR");
    CHECK(runs_from_build_tree());
    const std::vector<std::filesystem::path> path = data_search_path();
    REQUIRE(path.size() == 2);
    CHECK(std::filesystem::is_regular_file(path[0] / "gazetteer.tsv"));
    CHECK(path[1] == installed_data_dir());
}

TEST_CASE("DATELINE_DATA_DIR comes first, and an empty value counts as unset", "[data]") {
    ::setenv("DATELINE_DATA_DIR", "/srv/dateline-data", 1);
    const std::vector<std::filesystem::path> with = data_search_path();
    ::setenv("DATELINE_DATA_DIR", "", 1);
    const std::vector<std::filesystem::path> empty = data_search_path();
    ::unsetenv("DATELINE_DATA_DIR");
    REQUIRE(with.size() == 3);
    CHECK(with.front() == "/srv/dateline-data");
    CHECK(empty.size() == 2);
    CHECK(std::find(empty.begin(), empty.end(), std::filesystem::path()) == empty.end());
}
