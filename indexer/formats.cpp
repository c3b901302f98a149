// The format table (one row per input format), detection, and the reading of one input with its format's reader.
#include "formats.hpp"

#include "feed_source.hpp"
#include "html_source.hpp"
#include "json_source.hpp"
#include "publisher_names.hpp"
#include "scraped_source.hpp"

#include "common/errors.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <exception>
#include <istream>
#include <map>
#include <set>
#include <streambuf>

namespace dateline::indexer {

namespace {

/// The format table. To add a format: its reader and sniff function in a file of their own
/// (ARCHITECTURE.md, indexer), and a row here.
const std::vector<InputFormatRow>& format_table() {
    static const std::vector<InputFormatRow> rows = {
        {.name = "jsonl",
         .aliases = {},
         .extensions = {".jsonl", ".ndjson"},
         .summary = "JSON Lines: one article object per line",
         .sniff = sniff_json_lines,
         .reader = [](const SourceOptions& options) -> std::unique_ptr<Source> {
             return std::make_unique<JsonLinesSource>(options.fields);
         }},
        {.name = "json",
         .aliases = {},
         .extensions = {".json"},
         .summary = "one article object per file, or an array of them",
         .sniff = sniff_json_document,
         .reader = [](const SourceOptions& options) -> std::unique_ptr<Source> {
             return std::make_unique<JsonDocumentSource>(options.fields);
         }},
        {.name = "html",
         .aliases = {},
         .extensions = {".html", ".htm", ".xhtml"},
         .summary = "one HTML page per file",
         .sniff = sniff_html,
         .reader = [](const SourceOptions&) -> std::unique_ptr<Source> { return std::make_unique<HtmlSource>(); }},
        {.name = "feed",
         .aliases = {"rss", "atom"},
         .extensions = {".xml", ".rss", ".atom"},
         .summary = "RSS or Atom feed: one article per item",
         .sniff = sniff_feed,
         .reader = [](const SourceOptions&) -> std::unique_ptr<Source> { return std::make_unique<FeedSource>(); }},
        {.name = "scraped",
         .aliases = {"text"},
         .extensions = {},
         .summary = "page text scraped from a site, its template learned per source",
         .sniff = sniff_scraped,
         .reader = [](const SourceOptions& options) -> std::unique_ptr<Source> {
             return std::make_unique<ScrapedSource>(options.chrome);
         }},
    };
    return rows;
}

InputFormat format_at(std::size_t row) { return static_cast<InputFormat>(row + 1); }

/// "a, b, c": the names of the table's formats.
std::string format_names() {
    std::string names;
    for (const InputFormatRow& row : format_table()) names += (names.empty() ? "" : ", ") + std::string(row.name);
    return names;
}

/// Up to `max` bytes of `from`, waiting for more (underflow) only when none is buffered. A read error (a corrupt
/// or truncated gzip stream throws common::BadInputError) then comes out of a call that has read nothing:
/// sgetn() would lose the bytes it had copied before the error (a truncated file with 7 complete records gave 1).
std::streamsize read_buffered(std::streambuf& from, char* to, std::streamsize max) {
    if (from.in_avail() <= 0 && std::streambuf::traits_type::eq_int_type(from.sgetc(), std::streambuf::traits_type::eof())) return 0;
    return from.sgetn(to, std::min(max, std::max<std::streamsize>(1, from.in_avail())));
}

/// Serves the bytes read for format detection, then the rest of the underlying stream (no copy of the file),
/// then the error that ended the reading of the head, if one did.
class PrefixedStreamBuf : public std::streambuf {
  public:
    PrefixedStreamBuf(std::string head, std::streambuf* rest, std::exception_ptr error)
        : m_head(std::move(head)), m_rest(rest), m_error(std::move(error)) {
        setg(m_head.data(), m_head.data(), m_head.data() + m_head.size());
    }

  protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (m_error) std::rethrow_exception(m_error);
        // Allocated on first use: a small file is read whole by the sniffing, and needs no buffer.
        if (!m_buffer) m_buffer.reset(new char[k_buffer_bytes]);
        const std::streamsize n = read_buffered(*m_rest, m_buffer.get(), k_buffer_bytes);
        if (n <= 0) return traits_type::eof();
        setg(m_buffer.get(), m_buffer.get(), m_buffer.get() + n);
        return traits_type::to_int_type(*gptr());
    }

  private:
    static constexpr std::streamsize k_buffer_bytes = 64 * 1024;
    std::string m_head;
    std::streambuf* m_rest;
    std::exception_ptr m_error;
    std::unique_ptr<char[]> m_buffer;
};

}  // namespace

std::span<const InputFormatRow> input_formats() { return format_table(); }

const InputFormatRow& input_format_row(InputFormat format) {
    const auto& rows = format_table();
    const auto index = static_cast<std::size_t>(format);
    if (index == 0 || index > rows.size()) {
        throw common::UsageError("format '" + std::string(format_name(format)) + "' cannot read a file; expected one of: " +
                                 format_names());
    }
    return rows[index - 1];
}

InputFormat parse_input_format(std::string_view name) {
    if (name == "auto") return InputFormat::automatic;
    const auto& rows = format_table();
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const auto& aliases = rows[k].aliases;
        if (rows[k].name == name || std::find(aliases.begin(), aliases.end(), name) != aliases.end()) return format_at(k);
    }
    throw common::UsageError("unknown format '" + std::string(name) + "'; expected one of: auto, " + format_names());
}

std::string_view format_name(InputFormat format) noexcept {
    const auto& rows = format_table();
    const auto index = static_cast<std::size_t>(format);
    return index == 0 || index > rows.size() ? std::string_view("auto") : rows[index - 1].name;
}

InputFormat format_for_name(std::string_view file_name) {
    std::string lower = common::ascii_lower(file_name);
    if (lower.ends_with(".gz")) lower.resize(lower.size() - 3);
    const auto& rows = format_table();
    for (std::size_t k = 0; k < rows.size(); ++k) {
        for (const std::string_view extension : rows[k].extensions) {
            if (lower.ends_with(extension)) return format_at(k);
        }
    }
    return InputFormat::automatic;
}

InputFormat detect_format(std::string_view head, std::string_view file_name) {
    std::size_t i = head.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
    const std::string_view content = head.substr(i);
    const InputFormat named = format_for_name(file_name);
    const auto& rows = format_table();
    InputFormat best = InputFormat::automatic;
    int best_rank = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const ContentMatch match = rows[k].sniff(content);
        if (match == ContentMatch::none) continue;
        // Certain content first, then the name among the formats the content allows, then the likely one.
        const int rank = match == ContentMatch::certain  ? 4
                         : format_at(k) == named         ? 3
                         : match == ContentMatch::likely ? 2
                                                         : 1;
        if (rank > best_rank) {
            best = format_at(k);
            best_rank = rank;
        }
    }
    return best;
}

std::unique_ptr<Source> make_source(InputFormat format, const SourceOptions& options) {
    return input_format_row(format).reader(options);
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
        if (options.format == InputFormat::automatic) {
            const InputFormat named = format_for_name(f.path);
            if (named != InputFormat::automatic && named != InputFormat::scraped) continue;
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
    std::size_t got = 0;
    // A read error in the head (a gzip stream cut short early) is kept for the reader: the records before it count.
    std::exception_ptr error;
    try {
        for (std::streamsize n; got < head.size() && (n = read_buffered(*in->rdbuf(), head.data() + got,
                                                                         static_cast<std::streamsize>(head.size() - got))) > 0;) {
            got += static_cast<std::size_t>(n);
        }
    } catch (const common::BadInputError& e) {
        if (got == 0) {
            diagnostics.error(file.display_name, 0, std::string(e.what()) + "; skipped");
            return 0;
        }
        error = std::current_exception();
    }
    head.resize(got);
    if (head.empty()) {
        diagnostics.warning(file.display_name, 0, "empty file");
        return 0;
    }
    const InputFormat format = options.format == InputFormat::automatic ? detect_format(head, file.path) : options.format;
    if (const std::string why = unreadable_content(head); !why.empty()) {
        // JSON Lines records stand alone: a line that is not text is reported and skipped by the reader, as far
        // into the file as it comes (a NUL on line 2 skipped the whole file, on line 20,001 only that line).
        const bool records_readable = format == InputFormat::jsonl && !head.starts_with("\xFF\xFE") && !head.starts_with("\xFE\xFF") &&
                                      has_json_object_line(head);
        if (!records_readable) {
            diagnostics.error(file.display_name, 0, why + "; skipped");
            return 0;
        }
    }
    std::size_t count = 0;
    const ArticleSink counting = [&](common::Article&& article) {
        // --source names every article's source; else the publisher the input names, the host of the
        // article's URL, and last the folder the file was found in.
        if (!options.source_name.empty()) article.source = options.source_name;
        if (article.source.empty()) article.source = url_host(article.url);
        if (article.source.empty()) article.source = file.source_name;
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
    PrefixedStreamBuf buffer(std::move(head), in->rdbuf(), error);
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
