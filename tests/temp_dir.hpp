// The one temporary directory of the tests: unique (mkdtemp), removed with its contents when the test ends,
// so that tests run in parallel (ctest -j) never share a path.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dateline::testing {

class TempDir {
  public:
    /// `stem` names the directory's purpose in its path ("dateline-search-window-1a2B3c").
    explicit TempDir(std::string_view stem = "dateline-test") {
        std::string pattern = (std::filesystem::temp_directory_path() / (std::string(stem) + "-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const noexcept { return m_path; }
    std::string operator/(std::string_view name) const { return (m_path / name).string(); }

    /// Writes `content` (bytes, as is) to `name` under the directory, creating parent directories.
    std::string write(std::string_view name, std::string_view content) const {
        const std::filesystem::path p = m_path / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        return p.string();
    }

  private:
    std::filesystem::path m_path;
};

}  // namespace dateline::testing
