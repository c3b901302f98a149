// Export of a search's results as CSV or JSON Lines, a page of results at a time.
#include "export.hpp"

#include "common/errors.hpp"
#include "common/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace dateline::searcher {

namespace {

constexpr std::string_view k_csv_header = "rank,id,date,lang,source,title,url,places,place_ids,score\r\n";

/// Stored text is valid UTF-8 already; this keeps an export valid whatever an old index holds.
std::string valid_utf8(const std::string& s) { return common::is_valid_utf8(s) ? s : common::repair_utf8(s).text; }

/// A score as text: enough digits to order results, none of the binary noise.
std::string score_text(double score) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", score);
    return buf;
}

}  // namespace

ExportFormat parse_export_format(std::string_view name) {
    if (name == "csv") return ExportFormat::csv;
    if (name == "jsonl") return ExportFormat::jsonl;
    throw common::UsageError("unknown export format '" + std::string(name) + "'; expected one of: csv, jsonl");
}

std::string_view export_content_type(ExportFormat format) noexcept {
    return format == ExportFormat::csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
}

std::string csv_field(std::string_view value) {
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
    std::string out = "\"";
    for (const char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

ResultExport::ResultExport(SearchRequest request, ExportFormat format, std::size_t max, std::size_t page)
    : m_request(std::move(request)), m_format(format), m_max(std::min(max, k_export_max)), m_page(std::clamp<std::size_t>(page, 1, 10000)) {
    // The list as the search orders it, without what only a page on screen needs.
    m_request.snippets = false;
    m_request.spelling = false;
    m_request.explain = false;
    m_request.period_terms = false;
    m_request.offset = 0;
}

std::string ResultExport::next(Searcher& searcher) {
    if (m_done) return {};
    std::string out;
    SearchRequest request = m_request;
    request.offset = m_written;
    request.limit = std::min(m_page, m_started ? m_planned - m_written : m_max);
    // The first page counts every result (exact total, the facets' cost once); the others only rank.
    request.facets = !m_started;
    request.facet_top = 1;
    if (request.limit == 0) {
        // Nothing more to write (or a maximum of 0): the first call still counts.
        if (m_started) {
            m_done = true;
            return {};
        }
    }
    const SearchResponse response = searcher.search(request);
    if (!m_started) {
        m_started = true;
        m_total = response.total;
        m_total_exact = response.total_exact;
        m_planned = std::min(m_total, m_max);
        if (m_format == ExportFormat::csv) out += k_csv_header;
    }
    for (const SearchHit& hit : response.hits) {
        if (m_written >= m_planned) break;
        write_hit(out, hit);
        ++m_written;
    }
    // A page shorter than asked: the list ended before the count (an estimated total).
    if (m_written >= m_planned || response.hits.size() < request.limit) m_done = true;
    return out;
}

void ResultExport::write_hit(std::string& out, const SearchHit& hit) const {
    const common::Article& a = hit.article;
    const std::string date = a.date ? a.date->iso() : std::string();
    const std::string lang(common::lang_code(a.lang));
    if (m_format == ExportFormat::csv) {
        std::string labels;
        std::string ids;
        for (std::size_t k = 0; k < a.places.size(); ++k) {
            labels += (k ? "; " : "") + place_label(hit, k);
            ids += (k ? " " : "") + a.places[k].id;
        }
        for (const std::string& field : {std::to_string(hit.rank), a.id, date, lang, a.source, a.display_title(), a.url, labels, ids}) {
            out += csv_field(valid_utf8(field));
            out += ',';
        }
        out += score_text(hit.score);
        out += "\r\n";
        return;
    }
    nlohmann::json places = nlohmann::json::array();
    for (std::size_t k = 0; k < a.places.size(); ++k) places.push_back({{"id", a.places[k].id}, {"label", place_label(hit, k)}});
    const nlohmann::json line{{"rank", hit.rank},
                              {"id", a.id},
                              {"date", a.date ? nlohmann::json(date) : nlohmann::json(nullptr)},
                              {"lang", lang},
                              {"source", a.source},
                              {"title", a.display_title()},
                              {"url", a.url},
                              {"places", std::move(places)},
                              {"score", hit.score}};
    out += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
}

}  // namespace dateline::searcher
