// JSON input: one article object per line (JSON Lines), or one object or array of objects per file; and
// the reading of one article object, which the server's write routes share.
#pragma once

#include "source.hpp"

#include "common/errors.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace dateline::indexer {

/// Parses JSON text, refusing nesting deeper than k_max_nesting_depth before a value that deep exists (its
/// serialisation would recurse that deep), and more than k_max_json_values values. Throws JsonOverLimit
/// for such input, nlohmann::json::exception for malformed JSON.
nlohmann::json parse_json(std::string_view text, bool ignore_comments = false);

/// JSON over a limit of parse_json(): "JSON nested deeper than 256 levels (the limit)", "JSON of more than
/// 4194304 values (the limit)".
class JsonOverLimit : public common::BadInputError {
  public:
    using common::BadInputError::BadInputError;
};

/// Fills `article` from one JSON object through the field mapping; reports problems at file:line (line 0:
/// the file as a whole). Returns false (after reporting an error) when the record cannot be indexed.
bool article_from_json(const nlohmann::json& object, const FieldMapping& fields, const InputFile& file,
                       std::size_t line, common::Article& article, Diagnostics& diagnostics);

/// JSON Lines: one article object per line.
class JsonLinesSource : public Source {
  public:
    explicit JsonLinesSource(FieldMapping fields) : m_fields(std::move(fields)) {}
    void read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) override;

  private:
    FieldMapping m_fields;
};

/// One JSON object per file (CMS exports, OrangeSum), or a JSON array of article objects. An object alone
/// without an id takes the file's relative path as its id.
class JsonDocumentSource : public Source {
  public:
    explicit JsonDocumentSource(FieldMapping fields) : m_fields(std::move(fields)) {}
    void read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) override;

  private:
    FieldMapping m_fields;
};

/// JSON Lines content: certain when the first line is a whole object ('{' ... '}'); likely when a later
/// complete, unindented line is one (the first is broken); possible for any other text that is not markup or
/// an array (a broken file named .jsonl is read as JSON Lines, line by line, never as scraped text).
ContentMatch sniff_json_lines(std::string_view content);

/// Whether a complete line of `head` (followed by a newline) is a whole JSON object: '{' ... '}'.
bool has_json_object_line(std::string_view head);

/// One JSON document: certain for an array ('['), likely for an object ('{').
ContentMatch sniff_json_document(std::string_view content);

}  // namespace dateline::indexer
