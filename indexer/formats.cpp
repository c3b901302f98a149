// Format detection, the single-JSON-object reader, and dispatch of each input to its reader.
#include "formats.hpp"

#include "common/errors.hpp"
#include "common/text.hpp"

#include <nlohmann/json.hpp>

#include <istream>
#include <iterator>
#include <array>
#include <streambuf>

namespace dateline::indexer {

namespace {

/// One JSON object per file (CMS exports, OrangeSum), or a JSON array of article objects.
class JsonDocumentSource : public Source {
  public:
    explicit JsonDocumentSource(FieldMapping fields) : m_fields(std::move(fields)) {}
    void read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) override {
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!common::is_valid_utf8(content)) {
            auto repaired = common::repair_utf8(content);
            diagnostics.warning(file.display_name, 0, repaired.decoded_as_latin1 ? "not UTF-8; decoded as Latin-1 (Windows-1252)"
                                                                                 : "invalid UTF-8 replaced by U+FFFD");
            content = std::move(repaired.text);
        }
        nlohmann::json value;
        try {
            value = nlohmann::json::parse(content);
        } catch (const nlohmann::json::exception& e) {
            diagnostics.error(file.display_name, 0, std::string("malformed JSON: ") + e.what());
            return;
        }
        auto one = [&](const nlohmann::json& object, std::size_t index) {
            if (!object.is_object()) {
                diagnostics.error(file.display_name, 0, "expected a JSON object for article " + std::to_string(index));
                return;
            }
            common::Article article;
            if (!article_from_json(object, m_fields, file, 0, article, diagnostics)) return;
            article.origin = file.display_name;
            sink(std::move(article));
        };
        if (value.is_array()) {
            for (std::size_t k = 0; k < value.size(); ++k) one(value[k], k + 1);
        } else {
            one(value, 1);
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
        const std::streamsize n = m_rest->sgetn(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
        if (n <= 0) return traits_type::eof();
        setg(m_buffer.data(), m_buffer.data(), m_buffer.data() + n);
        return traits_type::to_int_type(*gptr());
    }

  private:
    std::string m_head;
    std::streambuf* m_rest;
    std::array<char, 64 * 1024> m_buffer{};
};

}  // namespace

InputFormat detect_format(std::string_view head, std::string_view file_name) {
    std::size_t i = 0;
    if (head.starts_with("\xEF\xBB\xBF")) i = 3;
    while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
    const std::string_view rest = head.substr(i);
    if (rest.starts_with("{")) {
        // One object per line, or one (pretty-printed) object per file.
        const auto nl = rest.find('\n');
        if (nl != std::string_view::npos && nl > 1 && rest.substr(0, nl).find_last_not_of(" \r\t") != std::string_view::npos &&
            rest[rest.substr(0, nl).find_last_not_of(" \r\t")] == '}') {
            return InputFormat::jsonl;
        }
        return file_name.ends_with(".jsonl") || file_name.ends_with(".jsonl.gz") ? InputFormat::jsonl : InputFormat::json;
    }
    if (rest.starts_with("[")) return InputFormat::json;
    return InputFormat::scraped;
}

std::unique_ptr<Source> make_source(InputFormat format, const SourceOptions& options) {
    switch (format) {
        case InputFormat::jsonl: return std::make_unique<JsonLinesSource>(options.fields);
        case InputFormat::json: return std::make_unique<JsonDocumentSource>(options.fields);
        case InputFormat::html:
        case InputFormat::feed:
        case InputFormat::scraped:
        case InputFormat::automatic: break;
    }
    throw common::UsageError("format '" + std::string(format_name(format)) + "' is not supported yet");
}

std::size_t read_input(const InputFile& file, const SourceOptions& options, const ArticleSink& sink,
                       Diagnostics& diagnostics) {
    std::unique_ptr<std::istream> in = open_input(file);
    InputFormat format = options.format;
    std::string head;
    if (format == InputFormat::automatic) {
        head.resize(4096);
        in->read(head.data(), static_cast<std::streamsize>(head.size()));
        head.resize(static_cast<std::size_t>(in->gcount()));
        if (head.empty()) {
            diagnostics.warning(file.display_name, 0, "empty file");
            return 0;
        }
        format = detect_format(head, file.path);
    }
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
    if (!head.empty()) {
        // Put the sniffed bytes back in front of the rest of the stream.
        PrefixedStreamBuf buffer(std::move(head), in->rdbuf());
        std::istream rest(&buffer);
        source->read(rest, file, counting, diagnostics);
    } else {
        source->read(*in, file, counting, diagnostics);
    }
    return count;
}

}  // namespace dateline::indexer
