// Search: bilingual query parsing on the shared analysis, filters, ranking, facets and extracts.
#include "searcher.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"
#include "common/stopwords.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <chrono>

namespace dateline::searcher {

namespace schema = common::schema;

namespace {

constexpr unsigned k_parse_flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD |
                                   Xapian::QueryParser::FLAG_PURE_NOT | Xapian::QueryParser::FLAG_LOVEHATE |
                                   Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN;

/// A reference-counted stopper for one language, owned by the QueryParser it is given to.
const Xapian::Stopper* make_stopper(common::Lang lang) {
    auto* stopper = new Xapian::SimpleStopper;
    const auto words = lang == common::Lang::fr ? common::french_stopwords() : common::english_stopwords();
    for (const auto& w : words) stopper->add(std::string(w));
    return stopper->release();
}

std::vector<FacetCount> top_values(const Xapian::ValueCountMatchSpy& spy, std::size_t n) {
    std::vector<FacetCount> out;
    for (auto it = spy.top_values_begin(n); it != spy.top_values_end(n); ++it) {
        out.push_back({*it, static_cast<std::size_t>(it.get_termfreq())});
    }
    return out;
}

std::vector<FacetCount> all_values_sorted(const Xapian::ValueCountMatchSpy& spy) {
    std::vector<FacetCount> out;
    for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
        out.push_back({*it, static_cast<std::size_t>(it.get_termfreq())});
    }
    return out;  // values_begin() iterates in value order
}

/// "2024" → "20240101"/"20241231"; "2024-06" → month bounds; "2024-06-15" → that day.
std::string date_bound(const std::string& text, bool upper) {
    const std::string digits = [&] {
        std::string d;
        for (char c : text) {
            if (c >= '0' && c <= '9') d.push_back(c);
            else if (c != '-') return std::string();
        }
        return d;
    }();
    if (digits.size() == 4) return digits + (upper ? "1231" : "0101");
    if (digits.size() == 6) return digits + (upper ? "31" : "01");
    if (digits.size() == 8) return digits;
    throw common::UsageError("bad date '" + text + "'; expected YYYY, YYYY-MM or YYYY-MM-DD");
}

std::string make_extract(const std::string& body, std::size_t max_bytes = 240) {
    std::string flat;
    flat.reserve(std::min(body.size(), max_bytes * 2));
    for (char c : body.substr(0, max_bytes * 2)) {
        const bool space = c == '\n' || c == '\r' || c == '\t';
        if (space) {
            if (!flat.empty() && flat.back() != ' ') flat.push_back(' ');
        } else {
            flat.push_back(c);
        }
    }
    if (flat.size() <= max_bytes) return flat;
    std::string cut(common::truncate_utf8(flat, max_bytes));
    if (const auto space = cut.rfind(' '); space != std::string::npos && space > max_bytes / 2) cut.resize(space);
    return cut + "…";
}

}  // namespace

SortOrder parse_sort_order(std::string_view name) {
    if (name == "relevance") return SortOrder::relevance;
    if (name == "date") return SortOrder::date;
    if (name == "recent") return SortOrder::recent;
    throw common::UsageError("unknown sort order '" + std::string(name) + "'; expected one of: relevance, date, recent");
}

Searcher::Searcher(OpenIndex index) : m_index(std::move(index)) {}

Xapian::Query Searcher::parse(const std::string& text, unsigned default_op) const {
    const std::string normalized = m_index.analyzer->normalize_query(text, {"date", "lang", "source", "place", "lieu"});
    // The query's language is unknown and often mixed: parse it with the English and with the French
    // stemmer and stopwords, and take either reading. Each document was indexed in one language, so the
    // reading in its language is the one that matches it.
    std::vector<Xapian::Query> readings;
    for (const common::Lang lang : {common::Lang::en, common::Lang::fr}) {
        Xapian::QueryParser qp;
        qp.set_database(m_index.database);
        qp.set_default_op(static_cast<Xapian::Query::op>(default_op));
        qp.set_stemmer(Xapian::Stem(new common::QueryStemmer(m_index.analyzer, lang)));
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_ALL_Z);
        qp.set_stopper(make_stopper(lang));
        qp.set_max_expansion(200, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
        qp.add_prefix("title", std::string(schema::k_prefix_title));
        qp.add_boolean_prefix("lang", std::string(schema::k_prefix_lang));
        qp.add_boolean_prefix("source", std::string(schema::k_prefix_source));
        try {
            Xapian::Query q = qp.parse_query(normalized, k_parse_flags);
            if (readings.empty() || q.get_description() != readings.front().get_description()) readings.push_back(q);
        } catch (const Xapian::QueryParserError& e) {
            throw common::UsageError("cannot parse query '" + text + "': " + e.get_msg());
        }
    }
    Xapian::Query query = readings.size() == 1 ? readings.front() : Xapian::Query(Xapian::Query::OP_OR, readings.begin(), readings.end());
    // A document with the exact accented form of a query word ranks above one that matches only folded.
    const std::vector<std::string> exact = m_index.analyzer->exact_terms(text);
    if (!exact.empty() && !query.empty()) {
        query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, Xapian::Query(Xapian::Query::OP_OR, exact.begin(), exact.end()));
    }
    return query;
}

Xapian::Query Searcher::filters(const SearchRequest& request) const {
    std::vector<Xapian::Query> parts;
    if (!request.from.empty() || !request.to.empty()) {
        const std::string lo = request.from.empty() ? std::string("00000000") : date_bound(request.from, false);
        const std::string hi = request.to.empty() ? std::string("99999999") : date_bound(request.to, true);
        parts.emplace_back(Xapian::Query::OP_VALUE_RANGE, schema::k_slot_date, lo, hi);
    }
    if (!request.lang.empty()) {
        const auto lang = common::parse_lang(request.lang);
        if (!lang) throw common::UsageError("unknown language '" + request.lang + "'; expected one of: en, fr");
        parts.emplace_back(std::string(schema::k_prefix_lang) + std::string(common::lang_code(*lang)));
    }
    if (!request.source.empty()) {
        parts.emplace_back(std::string(schema::k_prefix_source) + common::fold_for_match(request.source));
    }
    if (parts.empty()) return {};
    return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

SearchResponse Searcher::search(const SearchRequest& request) {
    const auto start = std::chrono::steady_clock::now();
    SearchResponse response;
    const std::string text = common::repair_utf8(request.query).text;
    const Xapian::Query filter = filters(request);

    auto run = [&](const Xapian::Query& q, SearchResponse& out) {
        Xapian::Query full = q;
        if (full.empty()) full = Xapian::Query::MatchAll;
        if (!filter.empty()) full = Xapian::Query(Xapian::Query::OP_FILTER, full, filter);
        Xapian::Enquire enquire(m_index.database);
        enquire.set_query(full);
        if (request.sort == SortOrder::date) enquire.set_sort_by_value_then_relevance(schema::k_slot_date, true);
        Xapian::ValueCountMatchSpy years(schema::k_slot_year);
        Xapian::ValueCountMatchSpy langs(schema::k_slot_lang);
        Xapian::ValueCountMatchSpy sources(schema::k_slot_source);
        Xapian::doccount check_at_least = 0;
        if (request.facets) {
            enquire.add_matchspy(&years);
            enquire.add_matchspy(&langs);
            enquire.add_matchspy(&sources);
            check_at_least = m_index.database.get_doccount();
        }
        const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                                                   static_cast<Xapian::doccount>(request.limit), check_at_least);
        out.total = mset.get_matches_estimated();
        out.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
        out.query_description = full.get_description();
        out.hits.clear();
        for (auto it = mset.begin(); it != mset.end(); ++it) {
            SearchHit hit;
            hit.article = common::Article::from_stored_json(it.get_document().get_data());
            hit.weight = it.get_weight();
            hit.rank = it.get_rank() + 1;
            hit.extract = make_extract(hit.article.body);
            out.hits.push_back(std::move(hit));
        }
        if (request.facets) {
            out.years = all_values_sorted(years);
            out.languages = top_values(langs, 10);
            out.sources = top_values(sources, 20);
        }
    };

    const Xapian::Query strict = parse(text, Xapian::Query::OP_AND);
    run(strict, response);
    if (response.total == 0 && !text.empty()) {
        // Nothing has every word: fall back to any word, best matches (most words) first.
        const Xapian::Query loose = parse(text, Xapian::Query::OP_OR);
        if (loose.get_description() != strict.get_description()) {
            run(loose, response);
            response.relaxed = response.total > 0;
        }
    }
    response.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return response;
}

}  // namespace dateline::searcher
