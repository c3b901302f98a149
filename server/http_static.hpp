// Static files (widget.js, example.html, CSS) served from one web root and nowhere else.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace dateline::server {

/// A file ready to send.
struct StaticFile {
    std::string content;
    std::string content_type;
};

/// Serves regular files below a root directory. A request path is refused (nullopt, answered 404) if it
/// has a "." or ".." segment, a backslash, a NUL or other control character, a hidden (dot) name, names
/// a directory (no listings), or resolves (through symlinks) to anything outside the root.
class StaticFiles {
  public:
    /// `root` must be an existing directory; it is canonicalised once. Empty: serves nothing.
    explicit StaticFiles(const std::string& root);

    /// The file for a decoded request path ("/widget.js"), or nullopt.
    std::optional<StaticFile> find(std::string_view request_path) const;

    const std::filesystem::path& root() const noexcept { return m_root; }

  private:
    std::filesystem::path m_root;
};

/// The directory of the static files when no --web-root is given: $DATELINE_WEB_ROOT, the source tree's
/// server/web, then the installed share/dateline/web. Empty if none exists.
std::string default_web_root(const std::string& source_dir, const std::string& install_dir);

}  // namespace dateline::server
