// The format table: every input format with its names, file extensions, content sniffing and reader; the
// detection of a file's format, and the reading of one input file with its format's reader.
#pragma once

#include "source.hpp"

#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace dateline::indexer {

/// One row of the format table: what the indexer knows of an input format outside its reader's own file.
struct InputFormatRow {
    /// The --format value, and the format's name in messages ("feed").
    std::string_view name;
    /// Other --format values for the format ("rss", "atom").
    std::vector<std::string_view> aliases;
    /// File name endings that say the format, lower case with the dot (".rss"; "x.RSS.gz" has it too).
    /// They decide where the content leaves the choice open; chrome learning skips files they name.
    std::vector<std::string_view> extensions;
    /// What a file of the format holds, in a few words, for dateline-index's help.
    std::string_view summary;
    /// How the first bytes of a file match the format; `content` is decompressed, without a UTF-8
    /// byte-order mark and leading white space, and may be empty or cut anywhere.
    ContentMatch (*sniff)(std::string_view content);
    /// A new reader of the format.
    std::unique_ptr<Source> (*reader)(const SourceOptions& options);
};

/// The format table, in the order of InputFormat's named values; InputFormat(k + 1) is row k.
std::span<const InputFormatRow> input_formats();

/// The row of a format. Throws common::UsageError for `automatic`, which no reader reads.
const InputFormatRow& input_format_row(InputFormat format);

/// Parses a --format value: "auto", a format's name or one of its aliases. Throws common::UsageError
/// listing the valid names.
InputFormat parse_input_format(std::string_view name);

/// The name of a format ("auto" for `automatic`).
std::string_view format_name(InputFormat format) noexcept;

/// The format a file name says by its extension, in any case and looking through ".gz"; `automatic` when
/// the name says none.
InputFormat format_for_name(std::string_view file_name);

/// Guesses the format of a file from its first bytes (already decompressed) and its name: the format whose
/// sniff is certain of the content; else the one the name says, if its sniff finds the content possible;
/// else the one that finds it likely; else one that finds it possible (table order breaks ties).
/// JSON Lines, JSON arrays and feeds are known by their content; one JSON object per file, HTML, and
/// scraped page text are the likely readings of '{', markup, and other text.
InputFormat detect_format(std::string_view head, std::string_view file_name);

/// A reader for `format`. Throws common::UsageError for `automatic`.
std::unique_ptr<Source> make_source(InputFormat format, const SourceOptions& options);

/// Learns the chrome (site template) of scraped pages per source group, in one pass over a sample of each
/// group's scraped files (at most 2,000 per group), for the groups with at least one file `will_read`
/// accepts. Files that are not scraped text are left out; unreadable ones are left to the reading pass.
std::shared_ptr<const ChromeModels> learn_chrome(const std::vector<InputFile>& files, const SourceOptions& options,
                                                 const std::function<bool(const InputFile&)>& will_read);

/// Reads one input file: opens it, chooses the format (options.format, else detection), reads it.
/// Returns the number of articles passed to `sink`.
std::size_t read_input(const InputFile& file, const SourceOptions& options, const ArticleSink& sink,
                       Diagnostics& diagnostics);

}  // namespace dateline::indexer
