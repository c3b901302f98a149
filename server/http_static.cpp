// Static file lookup confined to the web root: segment checks first, then the canonical path's prefix.
#include "http_static.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace dateline::server {

namespace fs = std::filesystem;

namespace {

std::string content_type_for(const fs::path& path) {
    const std::string ext = path.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".json") return "application/json";
    if (ext == ".txt") return "text/plain; charset=utf-8";
    if (ext == ".xml") return "application/xml";
    return "application/octet-stream";
}

/// Checks each segment of a decoded path; returns the relative path or nullopt.
std::optional<fs::path> safe_relative_path(std::string_view request_path) {
    if (request_path.empty() || request_path.front() != '/') return std::nullopt;
    fs::path relative;
    std::size_t start = 1;
    while (start <= request_path.size()) {
        std::size_t slash = request_path.find('/', start);
        if (slash == std::string_view::npos) slash = request_path.size();
        const std::string_view segment = request_path.substr(start, slash - start);
        start = slash + 1;
        if (segment.empty()) {
            if (slash == request_path.size()) break;
            return std::nullopt;  // "//": never produced by a real link
        }
        // ".", ".." and hidden names; no backslashes (Windows separators) or control characters.
        if (segment.front() == '.') return std::nullopt;
        for (const char c : segment) {
            if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
        }
        relative /= fs::path(std::string(segment));
    }
    if (relative.empty()) return std::nullopt;
    return relative;
}

}  // namespace

StaticFiles::StaticFiles(const std::string& root) {
    if (root.empty()) return;
    std::error_code ec;
    m_root = fs::canonical(root, ec);
    if (ec) m_root.clear();
}

std::optional<StaticFile> StaticFiles::find(std::string_view request_path) const {
    if (m_root.empty()) return std::nullopt;
    const auto relative = safe_relative_path(request_path);
    if (!relative) return std::nullopt;
    std::error_code ec;
    // canonical() follows symlinks: a link that points outside the root fails the prefix check below.
    const fs::path resolved = fs::canonical(m_root / *relative, ec);
    if (ec) return std::nullopt;
    const auto [root_end, ignored] = std::mismatch(m_root.begin(), m_root.end(), resolved.begin(), resolved.end());
    if (root_end != m_root.end()) return std::nullopt;
    if (!fs::is_regular_file(resolved, ec) || ec) return std::nullopt;
    std::ifstream in(resolved, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();
    return StaticFile{content.str(), content_type_for(resolved)};
}

std::string default_web_root(const std::string& source_dir, const std::string& install_dir) {
    if (const char* env = std::getenv("DATELINE_WEB_ROOT"); env && *env) return env;
    for (const std::string& dir : {source_dir, install_dir}) {
        std::error_code ec;
        if (!dir.empty() && fs::is_regular_file(fs::path(dir) / "widget.js", ec)) return dir;
    }
    return {};
}

}  // namespace dateline::server
