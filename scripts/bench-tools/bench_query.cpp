// Times a query mix in-process on a dateline index: through dateline's Searcher (exact facets + extracts) or
// through a bare Xapian Enquire on the same terms (the floor); ranks known items and writes TREC runs for the
// quality evaluations (scripts/bench, scripts/eval-relevance).
//
//   bench-query --db DIR --mode dateline|floor --queries FILE [--passes N]   → one JSON line per query
//   bench-query --db DIR --mode known-item --queries FILE [--no-collapse]    → "id<TAB>rank" per line (0: not in top 10)
//   bench-query --db DIR --mode trec --queries FILE [--depth N]              → "qid Q0 docid rank score dateline" lines
//
// Searcher tuning (modes dateline, known-item, trec; SearchTuning's fields): --rescore-window N,
// --weighting "SPEC" (e.g. "bm25 1.2 0.75", "pl2 1"), --head-max-words N, --coordination X, --feedback-docs N,
// --feedback-terms N, --feedback-weight X, --feedback-min-words N; QueryOptions: --phrase-boost X, --proximity-boost X,
// --max-phrase-boost-words N, --exact-form-boost X, --place-boost X, --year-boost X, --place-name-weight X,
// --translation-weight X, --weigh-readings-separately 0|1; --translations FILE|none (the word table).
//
// Query file (TSV): name, query, from, to, lang, place. Known-item file (TSV): expected id, query.
// TREC query file (TSV): query id, query text. The trec mode searches without facets, snippets, spelling or
// collapsing, --depth results (default 1000) per query; docid is the article id.
#include "common/errors.hpp"
#include "searcher/index_reader.hpp"
#include "searcher/query_builder.hpp"
#include "searcher/ranking.hpp"
#include "searcher/searcher.hpp"

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace common = dateline::common;
namespace searcher = dateline::searcher;

namespace {

struct BenchQuery {
    std::string name, query, from, to, lang, place;
};

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (true) {
        const auto tab = line.find('\t', pos);
        out.push_back(line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos));
        if (tab == std::string::npos) break;
        pos = tab + 1;
    }
    return out;
}

/// The floor: the query exactly as the Searcher builds it (searcher::QueryBuilder: readings, boosts,
/// filters) ranked by the default weighting, top 10 — without facets, snippets, documents, spelling, the
/// head's ordering, feedback or rescoring. What the searcher adds to Xapian's own cost is the difference.
class FloorSearcher {
  public:
    explicit FloorSearcher(searcher::OpenIndex index)
        : m_index(std::move(index)), m_builder(m_index), m_weight(searcher::make_weight(searcher::k_default_weighting)) {}

    Xapian::doccount run(const BenchQuery& q) {
        searcher::QueryFilters filters;
        filters.from = q.from;
        filters.to = q.to;
        filters.lang = q.lang;
        if (!q.place.empty()) filters.places = {q.place};
        const searcher::BuiltQuery built = m_builder.build(q.query, filters);
        Xapian::Enquire enquire(m_index.database);
        enquire.set_query(built.full());
        enquire.set_weighting_scheme(*m_weight);
        const Xapian::MSet mset = enquire.get_mset(0, 10);
        return mset.get_matches_estimated();
    }

  private:
    searcher::OpenIndex m_index;
    searcher::QueryBuilder m_builder;
    std::unique_ptr<Xapian::Weight> m_weight;
};

/// Sets the fields that later versions of the searcher add (place filter, snippets) when they exist.
template <class Request>
void set_optional_fields(Request& r, const BenchQuery& q) {
    if constexpr (requires { r.places.push_back(q.place); }) {
        if (!q.place.empty()) r.places.push_back(q.place);
    } else if constexpr (requires { r.place = q.place; }) {
        r.place = q.place;
    }
    if constexpr (requires { r.snippets = true; }) r.snippets = true;
}

/// Whether this searcher takes a place filter in its request.
template <class Request>
constexpr bool has_place_filter() {
    return requires(Request r, std::string s) { r.places.push_back(s); } || requires(Request r, std::string s) { r.place = s; };
}

searcher::SearchRequest make_request(const BenchQuery& q, bool facets, std::size_t limit) {
    searcher::SearchRequest r;
    r.query = q.query;
    r.from = q.from;
    r.to = q.to;
    r.lang = q.lang;
    r.limit = limit;
    r.facets = facets;
    set_optional_fields(r, q);
    return r;
}

std::string hit_id(const searcher::SearchHit& hit) { return hit.article.id; }

/// The number given to `option`; throws common::UsageError quoting the text when it is not one.
template <class Number>
Number parse_number(const std::string& option, const std::string& text) {
    Number value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        throw common::UsageError("option '" + option + "' needs a number at least 0; got '" + text + "'");
    if constexpr (std::is_floating_point_v<Number>) {
        if (value < 0) throw common::UsageError("option '" + option + "' needs a number at least 0; got '" + text + "'");
    }
    return value;
}

constexpr const char* k_usage =
    "usage: bench-query --db DIR --mode dateline|floor|known-item|trec --queries FILE [--passes N] [--no-collapse]\n"
    "                   [--depth N] [--rescore-window N] [--weighting SPEC] [--head-max-words N] [--coordination X]\n"
    "                   [--feedback-docs N] [--feedback-terms N] [--feedback-weight X] [--feedback-min-words N]\n"
    "                   [--phrase-boost X] [--proximity-boost X] [--max-phrase-boost-words N] [--exact-form-boost X]\n"
    "                   [--place-name-weight X] [--translations FILE|none] [--translation-weight X]\n"
    "                   [--place-boost X] [--year-boost X] [--weigh-readings-separately 0|1] [--other-reading-weight X]\n"
    "                   [--spelling-below N]\n";

/// Writes the TREC run of every "qid<TAB>query" line of `in`: up to `depth` results per query, in rank order.
/// Returns how many queries failed (reported on stderr; the others are still written).
std::size_t write_trec_run(searcher::Searcher& s, std::istream& in, std::size_t depth) {
    std::size_t failed = 0;
    std::string line;
    char score[32];
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        const auto f = split_tabs(line);
        if (f.size() < 2 || f[0].empty()) {
            std::cerr << "bench-query: skipped a line without 'qid<TAB>query': '" << line << "'\n";
            ++failed;
            continue;
        }
        searcher::SearchRequest request;
        request.query = f[1];
        request.limit = depth;
        request.facets = false;
        request.snippets = false;
        request.spelling = false;
        request.collapse = false;
        try {
            const auto resp = s.search(request);
            for (std::size_t i = 0; i < resp.hits.size(); ++i) {
                std::snprintf(score, sizeof score, "%.6f", resp.hits[i].score);
                std::cout << f[0] << " Q0 " << hit_id(resp.hits[i]) << ' ' << i + 1 << ' ' << score << " dateline\n";
            }
        } catch (const std::exception& e) {
            std::cerr << "bench-query: query " << f[0] << ": " << e.what() << '\n';
            ++failed;
        }
    }
    return failed;
}

}  // namespace

int main(int argc, char** argv) {
    std::string db, mode = "dateline", queries_path;
    int passes = 20;
    std::size_t depth = 1000;
    bool collapse = true;
    searcher::SearchTuning tuning;
    searcher::IndexOpenOptions open_options;
    std::vector<std::string> tuning_given;
    using Setter = std::function<void(const std::string& option, const std::string& value)>;
    // The SearchTuning fields that can be set, one row each.
    const std::map<std::string, Setter> tuning_options = {
        {"--rescore-window", [&](auto& o, auto& v) { tuning.rescore_window = parse_number<std::size_t>(o, v); }},
        {"--weighting", [&](auto&, auto& v) { tuning.weighting = v; }},
        {"--head-max-words", [&](auto& o, auto& v) { tuning.all_words_head_max_words = parse_number<std::size_t>(o, v); }},
        {"--coordination", [&](auto& o, auto& v) { tuning.coordination = parse_number<double>(o, v); }},
        {"--feedback-docs", [&](auto& o, auto& v) { tuning.feedback_docs = parse_number<std::size_t>(o, v); }},
        {"--feedback-terms", [&](auto& o, auto& v) { tuning.feedback_terms = parse_number<std::size_t>(o, v); }},
        {"--feedback-weight", [&](auto& o, auto& v) { tuning.feedback_weight = parse_number<double>(o, v); }},
        {"--feedback-min-words", [&](auto& o, auto& v) { tuning.feedback_min_words = parse_number<std::size_t>(o, v); }},
        {"--phrase-boost", [&](auto& o, auto& v) { tuning.query.phrase_boost = parse_number<double>(o, v); }},
        {"--place-name-weight", [&](auto& o, auto& v) { tuning.query.place_name_weight = parse_number<double>(o, v); }},
        {"--proximity-boost", [&](auto& o, auto& v) { tuning.query.proximity_boost = parse_number<double>(o, v); }},
        {"--max-phrase-boost-words", [&](auto& o, auto& v) { tuning.query.max_phrase_boost_words = parse_number<std::size_t>(o, v); }},
        {"--exact-form-boost", [&](auto& o, auto& v) { tuning.query.exact_form_boost = parse_number<double>(o, v); }},
        {"--place-boost", [&](auto& o, auto& v) { tuning.query.place_boost = parse_number<double>(o, v); }},
        {"--year-boost", [&](auto& o, auto& v) { tuning.query.year_boost = parse_number<double>(o, v); }},
        {"--other-reading-weight", [&](auto& o, auto& v) { tuning.query.other_reading_weight = parse_number<double>(o, v); }},
        {"--translation-weight", [&](auto& o, auto& v) { tuning.query.translation_weight = parse_number<double>(o, v); }},
        {"--spelling-below", [&](auto& o, auto& v) { tuning.spelling_below = parse_number<std::size_t>(o, v); }},
        {"--weigh-readings-separately", [&](auto& o, auto& v) { tuning.query.weigh_each_word_once = parse_number<int>(o, v) == 0; }},
    };
    try {
        for (int i = 1; i < argc; i += 2) {
            const std::string a = argv[i];
            if (a == "--no-collapse") {
                collapse = false;
                --i;
                continue;
            }
            if (i + 1 >= argc) throw common::UsageError("option '" + a + "' needs a value");
            const std::string v = argv[i + 1];
            if (const auto t = tuning_options.find(a); t != tuning_options.end()) {
                t->second(a, v);
                tuning_given.push_back(a);
            } else if (a == "--db") db = v;
            else if (a == "--mode") mode = v;
            else if (a == "--queries") queries_path = v;
            else if (a == "--passes") passes = static_cast<int>(parse_number<unsigned>(a, v));
            else if (a == "--depth") depth = parse_number<std::size_t>(a, v);
            else if (a == "--translation-targets") open_options.translator.max_targets = parse_number<std::size_t>(a, v);
            else if (a == "--translation-share") open_options.translator.min_share = parse_number<double>(a, v);
            else if (a == "--translation-freedict") open_options.translator.freedict_weight = parse_number<double>(a, v);
            else if (a == "--translation-reverse") open_options.translator.reverse_weight = parse_number<double>(a, v);
            else if (a == "--translations") {
                // A word table, or "none": queries are not translated.
                if (v == "none") open_options.use_translations = false;
                else open_options.translations = v;
            }
            else throw common::UsageError("unknown option '" + a + "'");
        }
        if (db.empty() || queries_path.empty()) throw common::UsageError("--db and --queries are required");
        if (mode != "dateline" && mode != "floor" && mode != "known-item" && mode != "trec")
            throw common::UsageError("unknown mode '" + mode + "'; expected one of: dateline, floor, known-item, trec");
        if (mode == "floor" && !tuning_given.empty())
            throw common::UsageError("option '" + tuning_given.front() + "' sets the Searcher, which mode 'floor' does not use");
        searcher::make_weight(tuning.weighting);  // a bad scheme is a usage error now, not one error per query
    } catch (const common::UsageError& e) {
        std::cerr << "bench-query: " << e.what() << '\n' << k_usage;
        return 2;
    }
    try {
        std::ifstream in(queries_path);
        if (!in) throw common::EnvironmentError("cannot read '" + queries_path + "'");
        std::string line;
        if (mode == "trec") {
            searcher::Searcher s(searcher::open_index({db}, open_options), tuning);
            const std::size_t failed = write_trec_run(s, in, depth);
            if (failed) std::cerr << "bench-query: " << failed << " queries failed\n";
            return failed ? 1 : 0;
        }
        if (mode == "known-item") {
            searcher::Searcher s(searcher::open_index({db}, open_options), tuning);
            while (std::getline(in, line)) {
                if (!line.empty() && line.back() == '\r') line.pop_back();
                const auto f = split_tabs(line);
                if (f.size() < 2) continue;
                BenchQuery q{.name = f[0], .query = f[1]};
                std::size_t rank = 0;
                try {
                    auto request = make_request(q, false, 10);
                    request.collapse = collapse;
                    const auto resp = s.search(request);
                    for (std::size_t i = 0; i < resp.hits.size(); ++i)
                        if (hit_id(resp.hits[i]) == f[0]) {
                            rank = i + 1;
                            break;
                        }
                } catch (const std::exception& e) {
                    std::cerr << "bench-query: " << f[0] << ": " << e.what() << '\n';
                }
                std::cout << f[0] << '\t' << rank << '\n';
            }
            return 0;
        }
        std::vector<BenchQuery> queries;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') continue;
            auto f = split_tabs(line);
            f.resize(6);
            queries.push_back({f[0], f[1], f[2], f[3], f[4], f[5]});
        }
        std::vector<std::vector<double>> ms(queries.size());
        std::vector<std::size_t> totals(queries.size());
        std::optional<searcher::Searcher> full;
        std::optional<FloorSearcher> floor;
        if (mode == "dateline") full.emplace(searcher::open_index({db}, open_options), tuning);
        else floor.emplace(searcher::open_index({db}, open_options));
        // Pass 0 warms the caches and is not recorded.
        for (int pass = 0; pass <= passes; ++pass) {
            for (std::size_t i = 0; i < queries.size(); ++i) {
                const auto t0 = std::chrono::steady_clock::now();
                std::size_t total = 0;
                if (full) total = full->search(make_request(queries[i], true, 10)).total;
                else total = floor->run(queries[i]);
                const double elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
                if (pass > 0) ms[i].push_back(elapsed);
                totals[i] = total;
            }
        }
        for (std::size_t i = 0; i < queries.size(); ++i) {
            nlohmann::json j = {{"name", queries[i].name}, {"mode", mode}, {"total", totals[i]}, {"ms", ms[i]},
                              {"place_filter", (mode == "dateline" && has_place_filter<searcher::SearchRequest>()) || mode == "floor"}};
            std::cout << j.dump() << '\n';
        }
    } catch (const std::exception& e) {
        std::cerr << "bench-query: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
