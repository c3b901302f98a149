// Sources: where articles come from (files, directories, standard input), the interface of a format's reader,
// and what every reader shares (whole-document reading, plain-text paragraphs). The readers are the
// *_source files; formats.hpp lists them, detects a file's format and reads a file with its reader.
#pragma once

#include "diagnostics.hpp"

#include "common/article.hpp"
#include "common/text.hpp"

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dateline::indexer {

/// An input format: `automatic` (detected per file), or a row of the format table (formats.hpp,
/// input_formats()) by its position counted from 1. The built-in rows are named here, in table order, for
/// the code and tests that refer to one; a row added after them needs no name.
enum class InputFormat : std::uint8_t { automatic, jsonl, json, html, feed, scraped };

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

/// How the first bytes of a file match a format, as a format's sniff function (formats.hpp) judges them.
enum class ContentMatch : std::uint8_t {
    none,      ///< not this format
    possible,  ///< may be this format: the file name decides (e.g. plain text named .html)
    likely,    ///< this format unless the file name names another that is possible
    certain,   ///< this format, whatever the name
};

/// Expands the command line's inputs: files, directories (recursively, sorted), and "-" (stdin).
/// Reports inputs that do not exist to `diagnostics` and leaves them out.
std::vector<InputFile> resolve_inputs(const std::vector<std::string>& inputs, const SourceOptions& options,
                                      Diagnostics& diagnostics);

/// Opens an input for reading, transparently decompressing gzip. Throws common::BadInputError if unreadable.
std::unique_ptr<std::istream> open_input(const InputFile& file);

// Input limits, all here: what one input may cost the readers, whatever its format. Each bounds a blow-up
// that a small hostile input could cause (stack overflow, quadratic or exponential memory); a record over
// a limit is reported with the limit named, and skipped; the rest of the file is read.

/// A one-document file (HTML page, feed, scraped page, JSON object) larger than this is read only up to
/// here, with a warning: what one article can hold is capped later by IndexOptions::max_body_bytes.
inline constexpr std::size_t k_max_document_bytes = 64 * 1024 * 1024;

/// Deepest nesting of JSON arrays and objects, HTML elements and XML elements. Parsers, serialisers and tree
/// walks recurse: a 100,000-deep `[[[...]]]` overflowed the stack. Real news markup nests a few dozen
/// levels. libxml2's own limit (xmlParserMaxDepth) is set to this.
inline constexpr std::size_t k_max_nesting_depth = 256;

/// Most values (numbers, strings, arrays, objects) in one JSON record or document: each takes 16 bytes to
/// over 100 (an object member's map node) in memory for as little as 2 bytes of input; 62 MB of `[1,1,...]`
/// took 1.14 GB. A document of 10,000 ten-field articles has about 100,000.
inline constexpr std::size_t k_max_json_values = 4 * 1024 * 1024;

/// Longest JSON Lines line (one record), in bytes after decompression: a line is held whole to be parsed,
/// and a gzipped 1 GB line took 4.2 GB. As large as a one-document file may be: a record holding a huge
/// article is still indexed, its body truncated to IndexOptions::max_body_bytes.
inline constexpr std::size_t k_max_line_bytes = k_max_document_bytes;

/// Most text the fields of one feed item may expand to through XML entity references: a 110 KB feed with a
/// 50 KB entity used 20,000 times expanded to 1 GB.
inline constexpr std::size_t k_max_entity_expansion_bytes = 16 * 1024 * 1024;

/// Most text all the items of one feed may expand to together (entity references included): the items are
/// held until the feed is read, and many items each under the limit above could still add up to gigabytes.
inline constexpr std::size_t k_max_feed_text_bytes = 128 * 1024 * 1024;

/// Most parse errors gumbo records per HTML page (we read none of them): each copies the stack of open
/// elements, so N unclosed elements cost N² (100 KB of unclosed <div>s took 3.15 GB).
inline constexpr int k_max_html_parse_errors = 0;

/// At most `limit` bytes of `in`. Read errors propagate (common::BadInputError from a corrupt gzip stream).
std::string read_up_to(std::istream& in, std::size_t limit);

/// Why a file's first bytes show it is not text dateline can read; empty when they do not.
/// ("binary data (NUL bytes)", "binary data (control bytes)": more than 2% of them, "UTF-16 text").
std::string unreadable_content(std::string_view head);

/// The warning for text that was not valid UTF-8 and was repaired: "not UTF-8; decoded as Latin-1
/// (Windows-1252)" or "invalid UTF-8; N byte sequence(s) replaced by U+FFFD".
std::string utf8_repair_warning(const common::Utf8Repair& repaired);

/// The 1-based line of a byte offset in `text` (offsets past the end count as the end).
std::size_t line_of(std::string_view text, std::size_t offset);

/// Reads the whole of a one-document file, at most k_max_document_bytes (warning beyond), without a UTF-8
/// byte-order mark. Binary content is reported as an error (nullopt). With `repair_utf8`, invalid UTF-8 is
/// decoded as Latin-1 or replaced (warning). Read errors propagate as common::BadInputError.
std::optional<std::string> read_document(std::istream& in, const InputFile& file, Diagnostics& diagnostics,
                                         bool repair_utf8 = true);

/// Sets the article's language from what the input states ("fr", "en-GB"; nothing when `lang` is empty),
/// marked as given; an unknown one is reported as a warning at file:line and left to detection.
void set_stated_language(common::Article& article, std::string_view lang, const InputFile& file, std::size_t line,
                         Diagnostics& diagnostics);

/// Sets the article's date from what the input states (any form common::parse_news_date reads, also after
/// a label: "Published: July 25, 2024"; nothing when `date` is empty); an unreadable one is reported as
/// a warning at file:line and the article is indexed without a date.
void set_stated_date(common::Article& article, std::string_view date, const InputFile& file, std::size_t line,
                     Diagnostics& diagnostics);

/// Plain text with its paragraphs: lines trimmed, lines of one paragraph joined by a space, paragraphs
/// (separated by blank lines in the input) separated by one blank line.
std::string plain_text_paragraphs(std::string_view text);

}  // namespace dateline::indexer
