// Format detection and the factory of Source readers.
#pragma once

#include "source.hpp"

#include <nlohmann/json_fwd.hpp>

namespace dateline::indexer {

/// Guesses the format of a file from its first bytes (already decompressed) and its name.
InputFormat detect_format(std::string_view head, std::string_view file_name);

/// A reader for `format` (not `automatic`).
std::unique_ptr<Source> make_source(InputFormat format, const SourceOptions& options);

/// Fills `article` from one JSON object through the field mapping; reports problems at file:line.
/// Returns false (after reporting an error) when the record cannot be indexed.
bool article_from_json(const nlohmann::json& object, const FieldMapping& fields, const InputFile& file,
                       std::size_t line, common::Article& article, Diagnostics& diagnostics);

}  // namespace dateline::indexer
