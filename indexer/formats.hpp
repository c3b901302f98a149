// Format detection, the factory of Source readers, and helpers every reader shares.
#pragma once

#include "source.hpp"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <optional>

namespace dateline::indexer {

/// A one-document file (HTML page, feed, scraped page, JSON object) larger than this is read only up to
/// here, with a warning: what one article can hold is capped later by IndexOptions::max_body_bytes.
inline constexpr std::size_t k_max_document_bytes = 64 * 1024 * 1024;

/// Guesses the format of a file from its first bytes (already decompressed) and its name: JSON object
/// per line or per file, JSON array, a feed (root <rss>, <rdf:RDF>, <feed>), HTML (<!DOCTYPE html>,
/// <html>, or other markup; also .html/.htm names), else scraped page text.
InputFormat detect_format(std::string_view head, std::string_view file_name);

/// Why a file's first bytes show it is not text dateline can read; empty when they do not.
/// ("binary data (NUL bytes)", "UTF-16 text").
std::string unreadable_content(std::string_view head);

/// A reader for `format` (not `automatic`).
std::unique_ptr<Source> make_source(InputFormat format, const SourceOptions& options);

/// Reads the whole of a one-document file, at most k_max_document_bytes (warning beyond), without a UTF-8
/// byte-order mark. Binary content is reported as an error (nullopt). With `repair_utf8`, invalid UTF-8 is
/// decoded as Latin-1 or replaced (warning). Read errors propagate as common::BadInputError.
std::optional<std::string> read_document(std::istream& in, const InputFile& file, Diagnostics& diagnostics,
                                         bool repair_utf8 = true);

/// Plain text with its paragraphs: lines trimmed, lines of one paragraph joined by a space, paragraphs
/// (separated by blank lines in the input) separated by one blank line.
std::string plain_text_paragraphs(std::string_view text);

/// Fills `article` from one JSON object through the field mapping; reports problems at file:line.
/// Returns false (after reporting an error) when the record cannot be indexed.
bool article_from_json(const nlohmann::json& object, const FieldMapping& fields, const InputFile& file,
                       std::size_t line, common::Article& article, Diagnostics& diagnostics);

/// Learns the chrome (site template) of scraped pages per source group, in one pass over a sample of each
/// group's scraped files (at most 2,000 per group), for the groups with at least one file `will_read`
/// accepts. Files that are not scraped text are left out; unreadable ones are left to the reading pass.
std::shared_ptr<const ChromeModels> learn_chrome(const std::vector<InputFile>& files, const SourceOptions& options,
                                                 const std::function<bool(const InputFile&)>& will_read);

}  // namespace dateline::indexer
