// Format detection, the single-JSON-object reader, chrome learning, and dispatch of each input to its reader.
#include "formats.hpp"

#include "feed_source.hpp"
#include "html_source.hpp"
#include "scraped_source.hpp"

#include "common/errors.hpp"
#include "common/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <istream>
#include <map>
#include <set>
#include <streambuf>

namespace dateline::indexer {

namespace {

std::string utf8_warning(const common::Utf8Repair& repaired) {
    return repaired.decoded_as_latin1 ? "not UTF-8; decoded as Latin-1 (Windows-1252)"
                                      : "invalid UTF-8; " + std::to_string(repaired.replaced) +
                                            " byte sequence(s) replaced by U+FFFD";
}

/// 1-based line of a byte offset.
std::size_t line_of(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

/// One JSON object per file (CMS exports, OrangeSum), or a JSON array of article objects.
class JsonDocumentSource : public Source {
  public:
    explicit JsonDocumentSource(FieldMapping fields) : m_fields(std::move(fields)) {}
    void read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) override {
        const auto content = read_document(in, file, diagnostics);
        if (!content) return;
        nlohmann::json value;
        try {
            value = nlohmann::json::parse(*content);
        } catch (const nlohmann::json::parse_error& e) {
            std::string what = e.what();
            if (const auto close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
            diagnostics.error(file.display_name, line_of(*content, e.byte > 0 ? e.byte - 1 : 0), "malformed JSON: " + what);
            return;
        } catch (const nlohmann::json::exception& e) {
            diagnostics.error(file.display_name, 0, std::string("malformed JSON: ") + e.what());
            return;
        }
        auto one = [&](const nlohmann::json& object, std::size_t index, bool alone) {
            if (!object.is_object()) {
                diagnostics.error(file.display_name, 0, "expected a JSON object for article " + std::to_string(index) + ", got " +
                                                            quote_value(object.dump()));
                return;
            }
            common::Article article;
            if (!article_from_json(object, m_fields, file, 0, article, diagnostics)) return;
            // One article per file: the file is its identity when the record names none.
            if (article.id.empty() && alone) article.id = file.relative_path;
            article.origin = file.display_name;
            sink(std::move(article));
        };
        if (value.is_array()) {
            for (std::size_t k = 0; k < value.size(); ++k) one(value[k], k + 1, false);
        } else {
            one(value, 1, true);
        }
    }

  private:
    FieldMapping m_fields;
};

/// Serves the bytes read for format detection, then the rest of the underlying stream (no copy of the file).
class PrefixedStreamBuf : public std::streambuf {
  public:
    PrefixedStreamBuf(std::string head, std::streambuf* rest) : m_head(std::move(head)), m_rest(rest) {
        setg(m_head.data(), m_head.data(), m_head.data() + m_head.size());
    }

  protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        // Allocated on first use: a small file is read whole by the sniffing, and needs no buffer.
        if (!m_buffer) m_buffer.reset(new char[k_buffer_bytes]);
        const std::streamsize n = m_rest->sgetn(m_buffer.get(), k_buffer_bytes);
        if (n <= 0) return traits_type::eof();
        setg(m_buffer.get(), m_buffer.get(), m_buffer.get() + n);
        return traits_type::to_int_type(*gptr());
    }

  private:
    static constexpr std::streamsize k_buffer_bytes = 64 * 1024;
    std::string m_head;
    std::streambuf* m_rest;
    std::unique_ptr<char[]> m_buffer;
};

/// At most `limit` bytes of `in`, read straight into the string in chunks that grow with what was read
/// (small files, the usual case, cost no large buffer).
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

bool ends_with_any(std::string_view name, std::initializer_list<std::string_view> suffixes) {
    std::string lower = common::ascii_lower(name);
    if (lower.ends_with(".gz")) lower.resize(lower.size() - 3);
    return std::any_of(suffixes.begin(), suffixes.end(), [&](std::string_view s) { return lower.ends_with(s); });
}

/// Name of the first element of markup, lower case ("rss", "feed", "rdf:rdf", "html"), skipping the XML
/// declaration, comments and the doctype; empty when the text does not start with markup.
std::string first_element(std::string_view s) {
    std::size_t i = 0;
    while (true) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
        if (i >= s.size() || s[i] != '<') return {};
        if (s.substr(i).starts_with("<?")) {
            const auto end = s.find("?>", i);
            if (end == std::string_view::npos) return {};
            i = end + 2;
        } else if (s.substr(i).starts_with("<!--")) {
            const auto end = s.find("-->", i);
            if (end == std::string_view::npos) return {};
            i = end + 3;
        } else if (s.substr(i).starts_with("<!")) {
            const std::string decl = common::ascii_lower(s.substr(i, 15));
            if (decl.starts_with("<!doctype html")) return "html";
            const auto end = s.find('>', i);
            if (end == std::string_view::npos) return {};
            i = end + 1;
        } else {
            std::size_t e = i + 1;
            while (e < s.size() && s[e] != ' ' && s[e] != '>' && s[e] != '/' && s[e] != '\n' && s[e] != '\t' && s[e] != '\r') ++e;
            return common::ascii_lower(s.substr(i + 1, e - i - 1));
        }
    }
}

}  // namespace

std::string unreadable_content(std::string_view head) {
    if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF")) return "UTF-16 text; convert the file to UTF-8";
    if (head.find('\0') != std::string_view::npos) return "binary data (NUL bytes), not text";
    return {};
}

InputFormat detect_format(std::string_view head, std::string_view file_name) {
    std::size_t i = 0;
    if (head.starts_with("\xEF\xBB\xBF")) i = 3;
    while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
    const std::string_view rest = head.substr(i);
    if (rest.starts_with("{")) {
        // One object per line, or one (pretty-printed) object per file.
        const auto nl = rest.find('\n');
        if (nl != std::string_view::npos && nl > 1) {
            const std::string_view first = rest.substr(0, nl);
            const auto last = first.find_last_not_of(" \r\t");
            if (last != std::string_view::npos && first[last] == '}') return InputFormat::jsonl;
        }
        return ends_with_any(file_name, {".jsonl", ".ndjson"}) ? InputFormat::jsonl : InputFormat::json;
    }
    if (rest.starts_with("[")) return InputFormat::json;
    if (rest.starts_with("<")) {
        const std::string root = first_element(rest);
        if (root == "rss" || root == "feed" || root == "rdf:rdf" || root == "rdf") return InputFormat::feed;
        if (root.empty() && ends_with_any(file_name, {".xml", ".rss", ".atom"})) return InputFormat::feed;
        return InputFormat::html;
    }
    if (ends_with_any(file_name, {".html", ".htm", ".xhtml"})) return InputFormat::html;
    return InputFormat::scraped;
}

std::unique_ptr<Source> make_source(InputFormat format, const SourceOptions& options) {
    switch (format) {
        case InputFormat::jsonl: return std::make_unique<JsonLinesSource>(options.fields);
        case InputFormat::json: return std::make_unique<JsonDocumentSource>(options.fields);
        case InputFormat::html: return std::make_unique<HtmlSource>();
        case InputFormat::feed: return std::make_unique<FeedSource>();
        case InputFormat::scraped: return std::make_unique<ScrapedSource>(options.chrome);
        case InputFormat::automatic: break;
    }
    throw common::UsageError("format '" + std::string(format_name(format)) + "' cannot read a file; expected one of: "
                             "jsonl, json, html, feed, scraped");
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
        diagnostics.warning(file.display_name, 0, utf8_warning(repaired));
        content = std::move(repaired.text);
    }
    return content;
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

std::shared_ptr<const ChromeModels> learn_chrome(const std::vector<InputFile>& files, const SourceOptions& options,
                                                 const std::function<bool(const InputFile&)>& will_read) {
    auto models = std::make_shared<ChromeModels>();
    if (options.format != InputFormat::automatic && options.format != InputFormat::scraped) return models;
    std::map<std::string, std::vector<const InputFile*>> groups;
    std::set<std::string> wanted;
    for (const InputFile& f : files) {
        if (f.path == "-") continue;
        // Names that say another format are not opened: learning must not cost a pass over a JSON corpus.
        if (options.format == InputFormat::automatic &&
            ends_with_any(f.path, {".json", ".jsonl", ".ndjson", ".html", ".htm", ".xhtml", ".xml", ".rss", ".atom"})) {
            continue;
        }
        groups[f.source_name].push_back(&f);
        if (will_read(f)) wanted.insert(f.source_name);
    }
    constexpr std::size_t k_max_sample = 2000;
    constexpr std::size_t k_max_page_bytes = 1024 * 1024;
    for (const auto& [group, members] : groups) {
        if (!wanted.count(group) || members.size() < ChromeModel::k_min_pages) continue;
        ChromeModel& model = models->group(group);
        const std::size_t step = (members.size() + k_max_sample - 1) / k_max_sample;
        std::size_t opened = 0;
        for (std::size_t k = 0; k < members.size(); k += step) {
            // A group that shows no scraped page among its first files holds none worth learning from.
            if (opened >= 50 && model.pages() == 0) break;
            ++opened;
            try {
                auto in = open_input(*members[k]);
                std::string page = read_up_to(*in, k_max_page_bytes);
                if (page.empty() || !unreadable_content(page).empty()) continue;
                if (options.format == InputFormat::automatic && detect_format(page, members[k]->path) != InputFormat::scraped) continue;
                if (!common::is_valid_utf8(page)) page = common::repair_utf8(page).text;
                model.add_page(page);
            } catch (const std::exception&) {
                // Reported when the file is read for indexing.
            }
        }
        model.finish();
    }
    return models;
}

std::size_t read_input(const InputFile& file, const SourceOptions& options, const ArticleSink& sink,
                       Diagnostics& diagnostics) {
    std::unique_ptr<std::istream> in = open_input(file);
    std::string head(4096, '\0');
    try {
        in->exceptions(std::ios::badbit);
        in->read(head.data(), static_cast<std::streamsize>(head.size()));
    } catch (const common::BadInputError& e) {
        diagnostics.error(file.display_name, 0, std::string(e.what()) + "; skipped");
        return 0;
    }
    head.resize(static_cast<std::size_t>(in->gcount()));
    if (head.empty()) {
        diagnostics.warning(file.display_name, 0, "empty file");
        return 0;
    }
    if (const std::string why = unreadable_content(head); !why.empty()) {
        diagnostics.error(file.display_name, 0, why + "; skipped");
        return 0;
    }
    const InputFormat format = options.format == InputFormat::automatic ? detect_format(head, file.path) : options.format;
    std::size_t count = 0;
    const ArticleSink counting = [&](common::Article&& article) {
        if (article.source.empty()) article.source = options.source_name.empty() ? file.source_name : options.source_name;
        ++count;
        sink(std::move(article));
    };
    std::unique_ptr<Source> source;
    try {
        source = make_source(format, options);
    } catch (const common::UsageError& e) {
        diagnostics.error(file.display_name, 0, e.what());
        return 0;
    }
    // Put the sniffed bytes back in front of the rest of the stream.
    PrefixedStreamBuf buffer(std::move(head), in->rdbuf());
    std::istream rest(&buffer);
    // A read error (corrupt gzip) surfaces as an exception instead of a silent end of file.
    rest.exceptions(std::ios::badbit);
    try {
        source->read(rest, file, counting, diagnostics);
    } catch (const common::BadInputError& e) {
        diagnostics.error(file.display_name, 0, std::string(e.what()) + "; the " + std::to_string(count) +
                                                    " article(s) read before it are indexed");
    }
    return count;
}

}  // namespace dateline::indexer
