// Input resolution, gzip-transparent reading, format dispatch, and the JSON Lines reader.
#include "source.hpp"

#include "formats.hpp"

#include "common/errors.hpp"
#include "common/text.hpp"

#include <glob.h>
#include <nlohmann/json.hpp>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <istream>
#include <streambuf>

namespace dateline::indexer {

namespace fs = std::filesystem;

namespace {

constexpr auto k_article_fields = std::to_array<std::string_view>({"id", "title", "body", "date", "url", "lang", "source"});

/// A std::streambuf over zlib's gzFile, which reads gzip and plain files alike.
class GzipStreamBuf : public std::streambuf {
  public:
    // 64 KiB buffers, not zeroed: most inputs are small files, and a large or zero-filled buffer per file
    // costs more than reading the file (an mmap and page faults for each).
    explicit GzipStreamBuf(gzFile file) : m_file(file), m_buffer(new char[k_buffer_bytes]) { gzbuffer(m_file, k_buffer_bytes); }
    ~GzipStreamBuf() override { gzclose(m_file); }
    GzipStreamBuf(const GzipStreamBuf&) = delete;
    GzipStreamBuf& operator=(const GzipStreamBuf&) = delete;

  protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        const int n = gzread(m_file, m_buffer.get(), k_buffer_bytes);
        int code = Z_OK;
        const char* message = n <= 0 ? gzerror(m_file, &code) : nullptr;
        if (n < 0 || (n == 0 && code != Z_OK)) {
            // Corrupt data, or a gzip stream cut short (gzread then ends with Z_BUF_ERROR). The istream
            // reading us turns this into badbit or rethrows it; read_input() reports it and the articles
            // read before the damage are kept.
            std::string why = message && *message ? message : "zlib error";
            if (const auto colon = why.rfind(": "); colon != std::string::npos) why.erase(0, colon + 2);  // zlib names the file
            throw common::BadInputError("compressed data is corrupt or truncated (" + why + ")");
        }
        if (n == 0) return traits_type::eof();
        setg(m_buffer.get(), m_buffer.get(), m_buffer.get() + n);
        return traits_type::to_int_type(*gptr());
    }

  private:
    static constexpr unsigned k_buffer_bytes = 64 * 1024;
    gzFile m_file;
    std::unique_ptr<char[]> m_buffer;
};

class GzipIStream : public std::istream {
  public:
    explicit GzipIStream(gzFile file) : std::istream(nullptr), m_buf(file) { rdbuf(&m_buf); }

  private:
    GzipStreamBuf m_buf;
};

std::string parse_error_text(const nlohmann::json::exception& e) {
    std::string what = e.what();
    // nlohmann prefixes "[json.exception.parse_error.101] "; the rest says where and what.
    if (const auto close = what.find("] "); what.starts_with("[json.exception") && close != std::string::npos) {
        what = what.substr(close + 2);
    }
    return what;
}

std::string field_string(const nlohmann::json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer()) return std::to_string(value.get<long long>());
    if (value.is_number_unsigned()) return std::to_string(value.get<unsigned long long>());
    if (value.is_number_float()) return value.dump();
    return {};
}

}  // namespace

InputFormat parse_input_format(std::string_view name) {
    if (name == "auto") return InputFormat::automatic;
    if (name == "jsonl") return InputFormat::jsonl;
    if (name == "json") return InputFormat::json;
    if (name == "html") return InputFormat::html;
    if (name == "feed" || name == "rss" || name == "atom") return InputFormat::feed;
    if (name == "scraped" || name == "text") return InputFormat::scraped;
    throw common::UsageError("unknown format '" + std::string(name) +
                             "'; expected one of: auto, jsonl, json, html, feed, scraped");
}

std::string_view format_name(InputFormat format) noexcept {
    switch (format) {
        case InputFormat::automatic: return "auto";
        case InputFormat::jsonl: return "jsonl";
        case InputFormat::json: return "json";
        case InputFormat::html: return "html";
        case InputFormat::feed: return "feed";
        case InputFormat::scraped: return "scraped";
    }
    return "auto";
}

std::string FieldMapping::input_name(const std::string& article_field) const {
    const auto it = names.find(article_field);
    return it == names.end() ? article_field : it->second;
}

void FieldMapping::add(std::string_view spec) {
    const auto eq = spec.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == spec.size()) {
        throw common::UsageError("bad field mapping '" + std::string(spec) + "'; expected ARTICLE_FIELD=INPUT_FIELD, e.g. body=article");
    }
    const std::string target(spec.substr(0, eq));
    if (std::find(k_article_fields.begin(), k_article_fields.end(), target) == k_article_fields.end()) {
        throw common::UsageError("unknown article field '" + target +
                                 "' in field mapping; expected one of: id, title, body, date, url, lang, source");
    }
    names[target] = std::string(spec.substr(eq + 1));
}

bool article_from_json(const nlohmann::json& object, const FieldMapping& fields, const InputFile& file,
                       std::size_t line, common::Article& article, Diagnostics& diagnostics) {
    auto get = [&](const char* name) -> std::string {
        const std::string key = fields.input_name(name);
        const auto it = object.find(key);
        if (it == object.end() || it->is_null()) return {};
        return field_string(*it);
    };
    article.id = get("id");
    article.title = get("title");
    article.body = get("body");
    article.url = get("url");
    article.source = get("source");
    if (article.title.empty() && article.body.empty()) {
        diagnostics.error(file.display_name, line,
                          "record has neither '" + fields.input_name("title") + "' nor '" + fields.input_name("body") +
                              "' text; skipped");
        return false;
    }
    if (const std::string date = get("date"); !date.empty()) {
        article.date = common::parse_news_date(date);
        if (!article.date) {
            diagnostics.warning(file.display_name, line,
                                "unreadable date " + quote_value(date) + "; article indexed without a date");
        }
    }
    if (const std::string lang = get("lang"); !lang.empty()) {
        if (auto parsed = common::parse_lang(lang)) {
            article.lang = *parsed;
            article.lang_from_input = true;
        } else {
            diagnostics.warning(file.display_name, line,
                                "unknown language " + quote_value(lang) + "; expected one of: en, fr; detecting instead");
        }
    }
    return true;
}

void JsonLinesSource::read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) {
    std::string line;
    std::size_t line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        if (!common::is_valid_utf8(line)) {
            auto repaired = common::repair_utf8(line);
            diagnostics.warning(file.display_name, line_no,
                                repaired.decoded_as_latin1 ? "not UTF-8; decoded as Latin-1 (Windows-1252)"
                                                           : "invalid UTF-8; " + std::to_string(repaired.replaced) +
                                                                 " byte sequence(s) replaced by U+FFFD");
            line = std::move(repaired.text);
        }
        nlohmann::json object;
        try {
            object = nlohmann::json::parse(line);
        } catch (const nlohmann::json::exception& e) {
            diagnostics.error(file.display_name, line_no, "malformed JSON: " + parse_error_text(e) + " in " + quote_value(line));
            continue;
        }
        if (!object.is_object()) {
            diagnostics.error(file.display_name, line_no, "expected a JSON object, got " + quote_value(line));
            continue;
        }
        common::Article article;
        if (!article_from_json(object, m_fields, file, line_no, article, diagnostics)) continue;
        article.origin = file.display_name + ":" + std::to_string(line_no);
        sink(std::move(article));
    }
}

std::vector<InputFile> resolve_inputs(const std::vector<std::string>& inputs, const SourceOptions& options,
                                      Diagnostics& diagnostics) {
    std::vector<InputFile> files;
    for (const std::string& input : inputs) {
        if (input == "-") {
            files.push_back({"-", "<stdin>", options.source_name.empty() ? std::string("stdin") : options.source_name, ""});
            continue;
        }
        std::error_code ec;
        const fs::file_status status = fs::status(input, ec);
        if ((ec || !fs::exists(status)) && input.find_first_of("*?[") != std::string::npos) {
            // A quoted glob the shell did not expand: expand it here, in sorted order.
            glob_t matches{};
            if (::glob(input.c_str(), 0, nullptr, &matches) == 0) {
                std::vector<std::string> expanded(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
                globfree(&matches);
                auto more = resolve_inputs(expanded, options, diagnostics);
                files.insert(files.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
            } else {
                globfree(&matches);
                diagnostics.error(input, 0, "no file matches this pattern");
            }
            continue;
        }
        if (ec || !fs::exists(status)) {
            diagnostics.error(input, 0, "no such file or directory");
            continue;
        }
        if (fs::is_directory(status)) {
            std::vector<fs::path> found;
            for (auto it = fs::recursive_directory_iterator(input, fs::directory_options::skip_permission_denied, ec);
                 !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
                const std::string name = it->path().filename().string();
                if (name.starts_with(".")) {
                    if (it->is_directory()) it.disable_recursion_pending();
                    continue;
                }
                if (it->is_regular_file() && !name.ends_with(".md")) found.push_back(it->path());
            }
            std::sort(found.begin(), found.end());
            for (const fs::path& p : found) {
                // Pages of one site sit together: the directory a file is in names its source group.
                const std::string group = options.source_name.empty() ? p.parent_path().filename().string() : options.source_name;
                files.push_back({p.string(), p.string(), group, p.lexically_relative(input).generic_string()});
            }
            continue;
        }
        const fs::path p(input);
        const std::string group = options.source_name.empty() ? p.parent_path().filename().string() : options.source_name;
        files.push_back({input, input, group, p.lexically_normal().generic_string()});
    }
    return files;
}

std::unique_ptr<std::istream> open_input(const InputFile& file) {
    gzFile gz = nullptr;
    if (file.path == "-") {
        const int fd = dup(STDIN_FILENO);
        if (fd >= 0) gz = gzdopen(fd, "rb");
    } else {
        gz = gzopen(file.path.c_str(), "rb");
    }
    if (gz == nullptr) throw common::BadInputError(file.display_name + ": cannot open for reading");
    return std::make_unique<GzipIStream>(gz);
}

}  // namespace dateline::indexer
