// Input resolution, gzip-transparent reading, and the reading helpers every format's reader shares.
#include "source.hpp"

#include "common/errors.hpp"
#include "common/language.hpp"
#include "common/text.hpp"

#include <glob.h>
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

}  // namespace

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

// Read straight into the string in chunks that grow with what was read: small files, the usual case, cost
// no large buffer.
std::string read_up_to(std::istream& in, std::size_t limit) {
    std::string content;
    std::size_t chunk = 16 * 1024;
    while (in && content.size() < limit) {
        const std::size_t old_size = content.size();
        const std::size_t want = std::min(chunk, limit - old_size);
        content.resize(old_size + want);
        in.read(content.data() + old_size, static_cast<std::streamsize>(want));
        content.resize(old_size + static_cast<std::size_t>(in.gcount()));
        if (content.size() == old_size) break;
        chunk = std::min<std::size_t>(chunk * 2, 1024 * 1024);
    }
    return content;
}

std::string unreadable_content(std::string_view head) {
    if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF")) return "UTF-16 text; convert the file to UTF-8";
    if (head.find('\0') != std::string_view::npos) return "binary data (NUL bytes), not text";
    // Text in any 8-bit encoding has no control bytes but blanks; random or compressed bytes have about one
    // in nine. A few stray ones (a form feed, an escape) are tolerated.
    const auto controls = static_cast<std::size_t>(std::count_if(head.begin(), head.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != '\v') || b == 0x7F;
    }));
    if (controls >= 4 && controls * 50 > head.size()) return "binary data (control bytes), not text";
    return {};
}

std::string utf8_repair_warning(const common::Utf8Repair& repaired) {
    return repaired.decoded_as_latin1 ? "not UTF-8; decoded as Latin-1 (Windows-1252)"
                                      : "invalid UTF-8; " + std::to_string(repaired.replaced) +
                                            " byte sequence(s) replaced by U+FFFD";
}

std::size_t line_of(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::optional<std::string> read_document(std::istream& in, const InputFile& file, Diagnostics& diagnostics, bool repair_utf8) {
    std::string content = read_up_to(in, k_max_document_bytes + 1);
    if (content.size() > k_max_document_bytes) {
        content.resize(k_max_document_bytes);
        diagnostics.warning(file.display_name, 0,
                            "file is larger than " + std::to_string(k_max_document_bytes >> 20) + " MiB; only its first " +
                                std::to_string(k_max_document_bytes >> 20) + " MiB are read");
    }
    if (content.starts_with("\xEF\xBB\xBF")) content.erase(0, 3);
    if (const std::string why = unreadable_content(content); !why.empty()) {
        const std::size_t nul = content.find('\0');
        diagnostics.error(file.display_name, nul == std::string::npos ? 0 : line_of(content, nul), why + "; skipped");
        return std::nullopt;
    }
    if (repair_utf8 && !common::is_valid_utf8(content)) {
        auto repaired = common::repair_utf8(content);
        diagnostics.warning(file.display_name, 0, utf8_repair_warning(repaired));
        content = std::move(repaired.text);
    }
    return content;
}

void set_stated_language(common::Article& article, std::string_view lang, const InputFile& file, std::size_t line,
                         Diagnostics& diagnostics) {
    if (lang.empty()) return;
    if (const auto parsed = common::parse_lang(lang)) {
        article.lang = *parsed;
        article.lang_from_input = true;
    } else {
        diagnostics.warning(file.display_name, line,
                            "unknown language " + quote_value(lang) + "; expected one of: en, fr; detecting instead");
    }
}

void set_stated_date(common::Article& article, std::string_view date, const InputFile& file, std::size_t line,
                     Diagnostics& diagnostics) {
    if (date.empty()) return;
    article.date = common::parse_news_date(date);
    if (!article.date) {
        // "Published: July 25, 2024": the date after a label.
        if (const auto colon = date.find(": "); colon != std::string_view::npos) article.date = common::parse_news_date(date.substr(colon + 2));
    }
    if (!article.date) {
        diagnostics.warning(file.display_name, line, "unreadable date " + quote_value(date) + "; article indexed without a date");
    }
}

std::string plain_text_paragraphs(std::string_view text) {
    std::string out;
    std::string paragraph;
    auto flush = [&] {
        if (paragraph.empty()) return;
        if (!out.empty()) out += "\n\n";
        out += paragraph;
        paragraph.clear();
    };
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(at, end - at);
        bool space = false;
        bool any = false;
        for (char c : line) {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
                space = any;
            } else {
                if (!any && !paragraph.empty()) paragraph.push_back(' ');
                if (space) paragraph.push_back(' ');
                space = false;
                any = true;
                paragraph.push_back(c);
            }
        }
        if (!any) flush();
        if (end == text.size()) break;
        at = end + 1;
    }
    flush();
    return out;
}

}  // namespace dateline::indexer
