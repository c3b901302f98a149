// Sharded index layout: stub files (read and written) and id routing.
#include "shard_layout.hpp"

#include "errors.hpp"
#include "hash.hpp"
#include "schema.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dateline::common {

namespace fs = std::filesystem;

std::string shard_directory_name(std::size_t index) {
    char name[32];
    std::snprintf(name, sizeof name, "shard-%03zu", index);
    return name;
}

std::string year_shard_directory_name(std::string_view year) {
    if (year == schema::k_shard_year_undated) return std::string(year);
    return "year-" + std::string(year);
}

std::string stub_file_of(const std::string& path) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return path;
    const fs::path inside = fs::path(path) / k_stub_file_name;
    if (fs::is_regular_file(inside, ec)) return inside.string();
    return {};
}

std::vector<std::string> read_stub(const std::string& stub) {
    std::ifstream in(stub);
    if (!in) throw EnvironmentError("cannot read stub database '" + stub + "'");
    const fs::path base = fs::absolute(fs::path(stub)).parent_path();
    std::vector<std::string> shards;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        std::istringstream words(line.substr(first));
        std::string backend;
        std::string target;
        words >> backend;
        std::getline(words >> std::ws, target);
        const auto where = [&] { return stub + ":" + std::to_string(number) + ": "; };
        if (target.empty()) {
            throw EnvironmentError(where() + "'" + line + "' names no database; expected 'auto PATH' or 'remote HOST:PORT'");
        }
        if (backend == "auto" || backend == "glass" || backend == "chert") {
            const fs::path p(target);
            shards.push_back((p.is_absolute() ? p : base / p).lexically_normal().string());
        } else if (backend == "remote" && !target.starts_with(":")) {
            shards.push_back("tcp:" + target);
        } else if (backend == "remote") {
            throw EnvironmentError(where() + "remote program shards ('" + line +
                                   "') are not supported; serve the shard with xapian-tcpsrv and write 'remote HOST:PORT'");
        } else {
            throw EnvironmentError(where() + "unknown database type '" + backend + "'; expected one of: auto, glass, chert, remote");
        }
    }
    if (shards.empty()) throw EnvironmentError("stub database '" + stub + "' lists no shard");
    return shards;
}

void write_stub(const std::string& dir, const std::vector<std::string>& shard_names) {
    const fs::path target = fs::path(dir) / k_stub_file_name;
    const fs::path temp = fs::path(dir) / (std::string(k_stub_file_name) + ".tmp");
    {
        std::ofstream out(temp, std::ios::trunc);
        out << "# dateline sharded index: one shard database per line (Xapian stub database format)\n";
        for (const std::string& name : shard_names) out << "auto " << name << '\n';
        out.flush();
        if (!out) throw EnvironmentError("cannot write stub database '" + temp.string() + "'");
    }
    std::error_code ec;
    fs::rename(temp, target, ec);
    if (ec) throw EnvironmentError("cannot write stub database '" + target.string() + "': " + ec.message());
}

std::size_t shard_of(std::string_view id_term, std::size_t shard_count) noexcept {
    if (shard_count <= 1) return 0;
    return static_cast<std::size_t>(fnv1a64(id_term) % shard_count);
}

}  // namespace dateline::common
