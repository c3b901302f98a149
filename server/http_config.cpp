// Reading dateline-serve's JSON configuration file and checking the settings.
#include "http_config.hpp"

#include "common/errors.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>

namespace dateline::server {

namespace {

using common::UsageError;

std::string join(const std::set<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

void check_keys(const nlohmann::json& object, const std::set<std::string>& valid, const std::string& where) {
    for (const auto& [key, value] : object.items()) {
        if (!valid.count(key)) throw UsageError(where + ": unknown key '" + key + "'; expected one of: " + join(valid));
    }
}

std::string get_string(const nlohmann::json& v, const std::string& where) {
    if (!v.is_string()) throw UsageError(where + ": expected a string, got " + v.dump());
    return v.get<std::string>();
}

std::size_t get_count(const nlohmann::json& v, const std::string& where, std::size_t min, std::size_t max) {
    if (!v.is_number_unsigned() || v.get<std::size_t>() < min || v.get<std::size_t>() > max) {
        throw UsageError(where + ": expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got " +
                         v.dump());
    }
    return v.get<std::size_t>();
}

std::vector<std::string> get_strings(const nlohmann::json& v, const std::string& where) {
    std::vector<std::string> out;
    if (v.is_string()) {
        out.push_back(v.get<std::string>());
        return out;
    }
    if (!v.is_array()) throw UsageError(where + ": expected a string or an array of strings, got " + v.dump());
    for (const auto& item : v) out.push_back(get_string(item, where));
    return out;
}

bool valid_origin(const std::string& origin) {
    if (origin == "*") return true;
    const auto scheme_end = origin.find("://");
    if (scheme_end == std::string::npos) return false;
    const std::string scheme = origin.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") return false;
    const std::string rest = origin.substr(scheme_end + 3);
    return !rest.empty() && rest.find('/') == std::string::npos && rest.find('*') == std::string::npos;
}

}  // namespace

void load_config_file(const std::string& path, ServerConfig& config) {
    std::ifstream in(path);
    if (!in) throw common::EnvironmentError("cannot read configuration file '" + path + "'");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in, nullptr, true, /*ignore_comments=*/true);
    } catch (const nlohmann::json::exception& e) {
        throw UsageError(path + ": not valid JSON: " + e.what());
    }
    if (!j.is_object()) throw UsageError(path + ": expected a JSON object at the top level");
    check_keys(j,
               {"db", "write_db", "listen", "threads", "search_slots", "web_root", "token_file", "allow_origins", "site_name", "access_log",
                "cache_entries", "reopen_interval_ms", "limits", "connections"},
               path);
    const std::filesystem::path base = std::filesystem::path(path).parent_path();
    // Relative paths in the file are relative to the file, not to the server's working directory.
    auto resolve = [&](const std::string& p) {
        if (p.starts_with("tcp:") || std::filesystem::path(p).is_absolute()) return p;
        return (base / p).lexically_normal().string();
    };
    if (j.contains("db")) {
        for (const auto& d : get_strings(j["db"], path + ": db")) config.databases.push_back(resolve(d));
    }
    if (j.contains("write_db")) config.write_database = resolve(get_string(j["write_db"], path + ": write_db"));
    if (j.contains("listen")) set_listen_address(get_string(j["listen"], path + ": listen"), config);
    if (j.contains("threads")) config.threads = static_cast<unsigned>(get_count(j["threads"], path + ": threads", 1, 1024));
    if (j.contains("search_slots")) config.search_slots = static_cast<std::size_t>(get_count(j["search_slots"], path + ": search_slots", 0, 1024));
    if (j.contains("web_root")) config.web_root = resolve(get_string(j["web_root"], path + ": web_root"));
    if (j.contains("token_file")) config.write_token = read_token_file(resolve(get_string(j["token_file"], path + ": token_file")));
    if (j.contains("allow_origins")) config.allowed_origins = get_strings(j["allow_origins"], path + ": allow_origins");
    if (j.contains("site_name")) config.site_name = get_string(j["site_name"], path + ": site_name");
    if (j.contains("access_log")) {
        if (!j["access_log"].is_boolean()) throw UsageError(path + ": access_log: expected true or false, got " + j["access_log"].dump());
        config.access_log = j["access_log"].get<bool>();
    }
    if (j.contains("cache_entries")) config.cache_entries = get_count(j["cache_entries"], path + ": cache_entries", 0, 1000000);
    if (j.contains("reopen_interval_ms")) {
        config.reopen_interval = std::chrono::milliseconds(get_count(j["reopen_interval_ms"], path + ": reopen_interval_ms", 0, 60000));
    }
    if (j.contains("limits")) {
        const auto& l = j["limits"];
        const std::string where = path + ": limits";
        if (!l.is_object()) throw UsageError(where + ": expected an object");
        check_keys(l, {"max_query_bytes", "max_page_size", "max_result_window", "max_body_bytes", "match_time_limit_ms"}, where);
        auto& lim = config.limits;
        if (l.contains("max_query_bytes")) lim.max_query_bytes = get_count(l["max_query_bytes"], where + ".max_query_bytes", 1, 1 << 20);
        if (l.contains("max_page_size")) lim.max_page_size = get_count(l["max_page_size"], where + ".max_page_size", 1, 10000);
        if (l.contains("max_result_window")) {
            lim.max_result_window = get_count(l["max_result_window"], where + ".max_result_window", 1, 1000000);
        }
        if (l.contains("max_body_bytes")) lim.max_body_bytes = get_count(l["max_body_bytes"], where + ".max_body_bytes", 1024, std::size_t{1} << 32);
        if (l.contains("match_time_limit_ms")) {
            lim.match_time_limit = std::chrono::milliseconds(get_count(l["match_time_limit_ms"], where + ".match_time_limit_ms", 1, 600000));
        }
    }
    if (j.contains("connections")) {
        const auto& c = j["connections"];
        const std::string where = path + ": connections";
        if (!c.is_object()) throw UsageError(where + ": expected an object");
        check_keys(c, {"header_timeout_ms", "body_timeout_ms", "max_header_bytes", "max_headers", "max_connections", "max_connections_per_client"},
                   where);
        auto& con = config.connections;
        if (c.contains("header_timeout_ms")) {
            con.header_timeout = std::chrono::milliseconds(get_count(c["header_timeout_ms"], where + ".header_timeout_ms", 100, 600000));
        }
        if (c.contains("body_timeout_ms")) {
            con.body_timeout = std::chrono::milliseconds(get_count(c["body_timeout_ms"], where + ".body_timeout_ms", 100, 3600000));
        }
        if (c.contains("max_header_bytes")) con.max_header_bytes = get_count(c["max_header_bytes"], where + ".max_header_bytes", 1024, 1 << 20);
        if (c.contains("max_headers")) con.max_headers = get_count(c["max_headers"], where + ".max_headers", 8, 10000);
        if (c.contains("max_connections")) con.max_connections = get_count(c["max_connections"], where + ".max_connections", 1, 1000000);
        if (c.contains("max_connections_per_client")) {
            con.max_connections_per_client = get_count(c["max_connections_per_client"], where + ".max_connections_per_client", 0, 1000000);
        }
    }
}

void set_listen_address(std::string_view address, ServerConfig& config) {
    const auto colon = address.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        throw UsageError("bad listen address '" + std::string(address) + "'; expected HOST:PORT, e.g. 127.0.0.1:8080");
    }
    std::string host(address.substr(0, colon));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const std::string_view port_text = address.substr(colon + 1);
    int port = -1;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port < 0 || port > 65535) {
        throw UsageError("bad port in listen address '" + std::string(address) + "'; expected 0 to 65535");
    }
    config.host = host;
    config.port = port;
}

std::string read_token_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw common::EnvironmentError("cannot read token file '" + path + "'");
    std::string token;
    std::getline(in, token);
    const auto first = token.find_first_not_of(" \t\r\n");
    const auto last = token.find_last_not_of(" \t\r\n");
    token = first == std::string::npos ? std::string() : token.substr(first, last - first + 1);
    // The message names the file and the length, never the token.
    if (token.size() < 16) {
        throw UsageError("token file '" + path + "' holds a token of " + std::to_string(token.size()) +
                         " characters; use at least 16 (e.g. from: head -c 32 /dev/urandom | base64)");
    }
    return token;
}

void validate(const ServerConfig& config) {
    if (config.databases.empty()) throw UsageError("missing --db DIR: the index to serve");
    if (!config.web_root.empty() && !std::filesystem::is_directory(config.web_root)) {
        throw UsageError("web root '" + config.web_root + "' is not a directory");
    }
    for (const auto& origin : config.allowed_origins) {
        if (!valid_origin(origin)) {
            throw UsageError("bad allowed origin '" + origin + "'; expected scheme://host[:port] (e.g. https://news.example) or *");
        }
    }
    if (!config.write_token.empty()) {
        const std::string& target = config.write_database.empty() ? config.databases.front() : config.write_database;
        if (target.starts_with("tcp:")) {
            throw UsageError("writes need a local index, but '" + target + "' is remote; set write_db in the configuration");
        }
    }
}

}  // namespace dateline::server
