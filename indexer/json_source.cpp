// The JSON readers (JSON Lines, one document per file), the article object's fields, and their sniffing.
#include "json_source.hpp"

#include "publisher_names.hpp"

#include "common/dates.hpp"
#include "common/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <istream>

namespace dateline::indexer {

namespace {

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

/// Reads one line (without its '\n') into `line`, keeping its first `limit` bytes; `cut` tells whether
/// there were more (they are read and dropped, never held). False at the end of the input.
bool read_line(std::istream& in, std::string& line, std::size_t limit, bool& cut) {
    line.clear();
    cut = false;
    bool any = false;
    std::array<char, 64 * 1024> chunk;
    while (true) {
        in.getline(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        if (in.bad()) return false;  // a read error: the caller reports it, as after std::getline
        auto got = static_cast<std::size_t>(in.gcount());
        if (got > 0) any = true;
        const bool full = in.fail() && !in.eof() && !in.bad() && got + 1 == chunk.size();
        const bool newline = !in.fail() && !in.eof();
        if (newline) --got;  // getline counts the '\n' it took
        if (!cut) {
            const std::size_t room = limit - line.size();
            line.append(chunk.data(), std::min(got, room));
            cut = got > room;
        }
        if (!full) return any;
        in.clear(in.rdstate() & ~std::ios::failbit);
    }
}

}  // namespace

nlohmann::json parse_json(std::string_view text, bool ignore_comments) {
    // The callback sees each value as it is read, and each array and object as it opens with its depth: the
    // parse stops there, and what was built so far is within the limits.
    std::size_t values = 0;
    const nlohmann::json::parser_callback_t within_limits = [&values](int depth, nlohmann::json::parse_event_t event,
                                                                      nlohmann::json&) {
        using Event = nlohmann::json::parse_event_t;
        if (event != Event::object_start && event != Event::array_start && event != Event::value) return true;
        if (++values > k_max_json_values) {
            throw JsonOverLimit("JSON of more than " + std::to_string(k_max_json_values) + " values (the limit)");
        }
        if (event != Event::value && static_cast<std::size_t>(depth) >= k_max_nesting_depth) {
            throw JsonOverLimit("JSON nested deeper than " + std::to_string(k_max_nesting_depth) + " levels (the limit)");
        }
        return true;
    };
    return nlohmann::json::parse(text, within_limits, /*allow_exceptions=*/true, ignore_comments);
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
    // Without a source field, the publisher the record names as JSON-LD does ("publisher": {"name": ...}).
    if (article.source.empty()) article.source = publisher_of_json(object);
    if (article.title.empty() && article.body.empty()) {
        diagnostics.error(file.display_name, line,
                          "record has neither '" + fields.input_name("title") + "' nor '" + fields.input_name("body") +
                              "' text; skipped");
        return false;
    }
    set_stated_date(article, get("date"), file, line, diagnostics);
    set_stated_language(article, get("lang"), file, line, diagnostics);
    return true;
}

void JsonLinesSource::read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) {
    std::string line;
    std::size_t line_no = 0;
    bool cut = false;
    while (read_line(in, line, k_max_line_bytes, cut)) {
        ++line_no;
        if (cut) {
            diagnostics.error(file.display_name, line_no,
                              "line longer than " + std::to_string(k_max_line_bytes >> 20) + " MiB (the limit for one record); skipped: " +
                                  quote_value(line));
            continue;
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        if (!common::is_valid_utf8(line)) {
            auto repaired = common::repair_utf8(line);
            diagnostics.warning(file.display_name, line_no, utf8_repair_warning(repaired));
            line = std::move(repaired.text);
        }
        nlohmann::json object;
        try {
            object = parse_json(line);
        } catch (const JsonOverLimit& e) {
            diagnostics.error(file.display_name, line_no, std::string(e.what()) + "; skipped: " + quote_value(line));
            continue;
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

void JsonDocumentSource::read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) {
    const auto content = read_document(in, file, diagnostics);
    if (!content) return;
    nlohmann::json value;
    try {
        value = parse_json(*content);
    } catch (const JsonOverLimit& e) {
        diagnostics.error(file.display_name, 0, std::string(e.what()) + "; skipped");
        return;
    } catch (const nlohmann::json::parse_error& e) {
        diagnostics.error(file.display_name, line_of(*content, e.byte > 0 ? e.byte - 1 : 0), "malformed JSON: " + parse_error_text(e));
        return;
    } catch (const nlohmann::json::exception& e) {
        diagnostics.error(file.display_name, 0, "malformed JSON: " + parse_error_text(e));
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

namespace {

/// Whether `line` is '{' ... '}': from its first byte (JSON Lines records are not indented, the objects inside a
/// pretty-printed document are) to its last but blanks.
bool is_object_line(std::string_view line) {
    const auto last = line.find_last_not_of(" \r\t");
    return line.starts_with('{') && last != std::string_view::npos && last > 0 && line[last] == '}';
}

}  // namespace

bool has_json_object_line(std::string_view head) {
    for (std::size_t begin = 0, nl; (nl = head.find('\n', begin)) != std::string_view::npos; begin = nl + 1) {
        if (is_object_line(head.substr(begin, nl - begin))) return true;
    }
    return false;
}

ContentMatch sniff_json_lines(std::string_view content) {
    if (content.starts_with("<") || content.starts_with("[")) return ContentMatch::none;
    // A first line that is a whole object; a pretty-printed object opens with "{" alone on its line.
    if (const auto nl = content.find('\n'); nl != std::string_view::npos && is_object_line(content.substr(0, nl))) return ContentMatch::certain;
    // A broken first line: the records after it say what the file is.
    return has_json_object_line(content) ? ContentMatch::likely : ContentMatch::possible;
}

ContentMatch sniff_json_document(std::string_view content) {
    if (content.starts_with("[")) return ContentMatch::certain;
    return content.starts_with("{") ? ContentMatch::likely : ContentMatch::none;
}

}  // namespace dateline::indexer
