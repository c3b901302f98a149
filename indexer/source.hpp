// Sources: where articles come from (files, directories, standard input) and the readers of each format.
#pragma once

#include "diagnostics.hpp"

#include "common/article.hpp"

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dateline::indexer {

/// Input formats. `automatic` detects the format from the content.
enum class InputFormat { automatic, jsonl, json, html, feed, scraped };

/// Parses a --format value; throws common::UsageError listing the valid names.
InputFormat parse_input_format(std::string_view name);
std::string_view format_name(InputFormat format) noexcept;

/// One input file, resolved from the command line.
struct InputFile {
    /// Path on disk, or "-" for standard input.
    std::string path;
    /// Name used in messages and as the default source group ("<stdin>" for standard input).
    std::string display_name;
    /// The source (site) this file belongs to: --source, else the directory it was found in.
    std::string source_name;
    /// Path relative to the command-line directory it was found in ("scraped/islandpost/x.txt" for
    /// input "sample_corpus"), or the path as given for a file named directly: the id of the article of
    /// a one-article file (scraped page, HTML page without canonical URL, one JSON object) that has none.
    std::string relative_path;
};

class ChromeModels;

/// How sources map input fields onto Article fields, e.g. body=article (OrangeSum's JSON).
struct FieldMapping {
    /// Article field ("id", "title", "body", "date", "url", "lang", "source") → input field name.
    std::map<std::string, std::string> names;
    /// The input field name for an article field (the field's own name by default).
    std::string input_name(const std::string& article_field) const;
    /// Parses "body=article"; throws common::UsageError on a bad form or unknown article field.
    void add(std::string_view spec);
};

/// Options shared by every source.
struct SourceOptions {
    InputFormat format = InputFormat::automatic;
    FieldMapping fields;
    /// Overrides the per-file source name when not empty (--source).
    std::string source_name;
    /// Site templates of scraped pages learned per source group by learn_chrome() (formats.hpp);
    /// null: pages are cleaned by the single-page shape rules.
    std::shared_ptr<const ChromeModels> chrome;
};

/// Receives each article read; the source sets `origin` (file:line).
using ArticleSink = std::function<void(common::Article&&)>;

/// Reads the articles of one input file in one format.
class Source {
  public:
    virtual ~Source() = default;
    /// Reads `in` (already decompressed) to the end, calling `sink` per article; bad records are reported
    /// to `diagnostics` and skipped. Never throws for bad content.
    virtual void read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) = 0;
};

/// JSON Lines: one article object per line.
class JsonLinesSource : public Source {
  public:
    explicit JsonLinesSource(FieldMapping fields) : m_fields(std::move(fields)) {}
    void read(std::istream& in, const InputFile& file, const ArticleSink& sink, Diagnostics& diagnostics) override;

  private:
    FieldMapping m_fields;
};

/// Expands the command line's inputs: files, directories (recursively, sorted), and "-" (stdin).
/// Reports inputs that do not exist to `diagnostics` and leaves them out.
std::vector<InputFile> resolve_inputs(const std::vector<std::string>& inputs, const SourceOptions& options,
                                      Diagnostics& diagnostics);

/// Opens an input for reading, transparently decompressing gzip. Throws common::BadInputError if unreadable.
std::unique_ptr<std::istream> open_input(const InputFile& file);

/// Reads one input file: opens it, chooses the format (options.format, else detection), reads it.
/// Returns the number of articles passed to `sink`.
std::size_t read_input(const InputFile& file, const SourceOptions& options, const ArticleSink& sink,
                       Diagnostics& diagnostics);

}  // namespace dateline::indexer
