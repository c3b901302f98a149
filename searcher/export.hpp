// Export of every result of a search as CSV (RFC 4180) or JSON Lines, produced a page at a time so that
// memory stays flat however many articles match (dateline-search --export, the server's /api/export).
#pragma once

#include "searcher.hpp"

#include <string>
#include <string_view>

namespace dateline::searcher {

/// Most results one export writes (the searcher's deepest page ends there); a search with more is cut.
inline constexpr std::size_t k_export_max = 100000;

enum class ExportFormat {
    csv,    ///< RFC 4180: a header row, CRLF line ends, fields with commas, quotes or line ends quoted
    jsonl,  ///< one JSON object per line (LF)
};

/// Parses "csv" or "jsonl"; throws common::UsageError listing them otherwise.
ExportFormat parse_export_format(std::string_view name);
/// "text/csv; charset=utf-8" or "application/x-ndjson; charset=utf-8".
std::string_view export_content_type(ExportFormat format) noexcept;

/// One export: the results of `request` in its order (offset and limit ignored), each written with its rank,
/// id, date, language, source, title, url, places and score. Call next() until it returns "".
class ResultExport {
  public:
    /// `max`: at most this many results (at most k_export_max). `page`: results fetched per search.
    ResultExport(SearchRequest request, ExportFormat format, std::size_t max = k_export_max, std::size_t page = 1000);

    /// The next part of the file: the CSV header row and the first page on the first call, then a page per
    /// call, "" once every result up to the maximum is written. The first call counts the results (total()).
    /// Throws as Searcher::search does.
    std::string next(Searcher& searcher);

    /// The results of the search (known after the first next()).
    std::size_t total() const noexcept { return m_total; }
    /// Whether `total` is exact (the counting was not cut short by the match time limit).
    bool total_exact() const noexcept { return m_total_exact; }
    /// The results the export holds: min(total, max).
    std::size_t planned() const noexcept { return m_planned; }
    /// Results written so far.
    std::size_t written() const noexcept { return m_written; }
    /// More results matched than the export holds.
    bool cut() const noexcept { return m_started && m_total > m_max; }

  private:
    void write_hit(std::string& out, const SearchHit& hit) const;

    SearchRequest m_request;
    ExportFormat m_format;
    std::size_t m_max;
    std::size_t m_page;
    bool m_started = false;
    bool m_done = false;
    std::size_t m_total = 0;
    bool m_total_exact = true;
    std::size_t m_planned = 0;
    std::size_t m_written = 0;
};

/// A CSV field per RFC 4180: quoted (quotes doubled) when it holds a comma, a quote, CR or LF.
std::string csv_field(std::string_view value);

}  // namespace dateline::searcher
