// dateline-search: search a dateline index from the command line, as text or JSON; related articles,
// completions, and a latency benchmark over a file of queries.
#include "export.hpp"
#include "index_reader.hpp"
#include "json_output.hpp"
#include "searcher.hpp"

#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/schema.hpp"

#include <boost/program_options.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace po = boost::program_options;
using namespace dateline;
using common::k_exit_ok;

namespace {

/// Most results one command prints.
constexpr std::size_t k_max_cli_limit = 1000;

struct Style {
    const char* bold = "";
    const char* dim = "";
    const char* reset = "";
    explicit Style(bool tty) {
        if (tty) {
            bold = "\033[1m";
            dim = "\033[2m";
            reset = "\033[0m";
        }
    }
};

void print_facet(std::string_view name, const std::vector<searcher::FacetCount>& counts) {
    if (counts.empty()) return;
    std::cout << name << ':';
    for (const auto& c : counts) std::cout << ' ' << (c.label.empty() ? c.value : c.label) << " (" << c.count << ')';
    std::cout << '\n';
}

/// The years (or months) with the words that characterise them: "2019 (4): Vladivostok, summit".
void print_periods(std::string_view name, const std::vector<searcher::FacetCount>& counts) {
    bool any = false;
    for (const auto& c : counts) any = any || !c.terms.empty();
    if (!any) return;
    std::cout << name << ":\n";
    for (const auto& c : counts) {
        if (c.terms.empty()) continue;
        std::cout << "  " << c.value << " (" << c.count << "):";
        for (std::size_t k = 0; k < c.terms.size(); ++k) {
            const auto& t = c.terms[k];
            std::cout << (k ? ", " : " ") << t.word;
            if (!t.label.empty()) std::cout << " (" << t.label << ')';
        }
        std::cout << '\n';
    }
}

void print_hits(const std::vector<searcher::SearchHit>& hits, bool tty, bool explain, std::optional<std::size_t> partial_from = {}) {
    const Style s(tty);
    for (const auto& hit : hits) {
        const auto& a = hit.article;
        if (partial_from && hit.rank == *partial_from) std::cout << '\n' << s.dim << "-- articles missing a word --" << s.reset << '\n';
        std::cout << '\n' << hit.rank << ". " << s.bold << searcher::render_text(hit.title, false) << s.reset << '\n';
        std::cout << "   " << s.dim << (a.date ? a.date->iso().substr(0, 10) : std::string("undated")) << "  "
                  << common::lang_code(a.lang) << "  " << a.source << "  " << a.id;
        if (hit.similar > 0) std::cout << "  (" << hit.similar << " similar)";
        std::cout << s.reset << '\n';
        const std::string snippet = hit.snippet.passages.empty() ? hit.extract : searcher::render_text(hit.snippet, tty);
        if (!snippet.empty()) std::cout << "   " << snippet << '\n';
        if (!hit.place_labels.empty()) {
            std::cout << "   " << s.dim << "places:";
            for (std::size_t k = 0; k < hit.place_labels.size(); ++k) std::cout << (k ? ", " : " ") << hit.place_labels[k];
            std::cout << s.reset << '\n';
        }
        if (explain) {
            std::cout << "   score " << hit.score << " (weight " << hit.weight << "):";
            for (const auto& part : hit.explanation) std::cout << ' ' << part.name << '=' << part.weight;
            std::cout << '\n';
        }
    }
}

void print_text(const searcher::SearchRequest& req, const searcher::SearchResponse& r, bool tty) {
    const Style s(tty);
    for (const auto& w : r.warnings) std::cerr << "dateline-search: warning: " << w << '\n';
    if (r.did_you_mean) std::cout << "Did you mean: " << s.bold << *r.did_you_mean << s.reset << "?\n";
    for (const common::Lang into : {common::Lang::fr, common::Lang::en}) {
        std::string line;
        for (const auto& t : r.translations) {
            if (t.from == into) continue;
            for (const auto& target : t.targets) line += (line.empty() ? "" : ", ") + target;
        }
        if (!line.empty()) std::cout << "Also searched in " << (into == common::Lang::fr ? "French" : "English") << ": " << line << '\n';
    }
    std::cout << (r.total_exact ? "" : "about ") << r.total << " result" << (r.total == 1 ? "" : "s");
    if (r.relaxed) std::cout << " (no article has every word; showing those that match best)";
    if (r.total_all && *r.total_all > 0) {
        std::cout << " with every word";
        if (std::any_of(r.hits.begin(), r.hits.end(), [](const searcher::SearchHit& h) { return h.partial; })) {
            std::cout << "; then articles missing a word";
        }
    }
    std::cout << '\n';
    if (req.explain) std::cout << "query: " << r.query_description << '\n';
    print_hits(r.hits, tty, req.explain, r.partial_from);
    if (r.facets) {
        std::cout << '\n';
        for (const searcher::FacetSpec& spec : searcher::k_facets) {
            if (spec.listing != searcher::FacetSpec::Listing::timeline) {
                print_facet(spec.name, (*r.facets).*spec.counts);
                continue;
            }
            print_facet("by year", r.facets->years);
            print_facet("by month", r.facets->months);
            print_facet("by day", r.facets->days);
            if (r.facets->undated > 0) std::cout << "undated: " << r.facets->undated << '\n';
            print_periods("what each year's articles were about", r.facets->years);
            print_periods("what each month's articles were about", r.facets->months);
        }
        if (!r.facets_exact) std::cout << "(counting stopped at the time limit: facet counts are partial)\n";
    }
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

/// --bench-queries: one untimed pass to warm the caches, then `passes` timed passes (each query's time is
/// its median); a JSON line per query and a summary line.
int run_bench(searcher::Searcher& searcher, const searcher::SearchRequest& base, const std::string& file, bool raw,
              bool suggest, std::size_t passes) {
    std::ifstream in(file);
    if (!in) throw common::EnvironmentError("cannot read queries file '" + file + "'");
    std::vector<std::string> queries;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty() && line[0] != '#') queries.push_back(line);
    }
    auto one = [&](const std::string& q, std::size_t& total, bool& exact) {
        searcher::SearchRequest request = base;
        request.query = q;
        if (suggest) {
            searcher::SuggestRequest sr;
            sr.prefix = q;
            sr.ui_lang = base.ui_lang;
            total = searcher.suggest(sr).completions.size();
            exact = true;
        } else if (raw) {
            // The floor: the same query through a plain Enquire, no facets, collapse or snippets.
            const searcher::BuiltQuery built = searcher.build_query(request);
            Xapian::Enquire enquire(searcher.index().database);
            enquire.set_query(built.full());
            enquire.set_weighting_scheme(searcher.weight());
            const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset), static_cast<Xapian::doccount>(request.limit));
            total = mset.get_matches_estimated();
            exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
        } else {
            const searcher::SearchResponse r = searcher.search(request);
            total = r.total;
            exact = r.total_exact;
        }
    };
    std::size_t total = 0;
    bool exact = false;
    for (const auto& q : queries) one(q, total, exact);  // warm-up, untimed
    std::vector<std::vector<double>> runs(queries.size());
    std::vector<std::pair<std::size_t, bool>> totals(queries.size());
    for (std::size_t pass = 0; pass < passes; ++pass) {
        for (std::size_t k = 0; k < queries.size(); ++k) {
            const auto start = std::chrono::steady_clock::now();
            one(queries[k], totals[k].first, totals[k].second);
            runs[k].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
    }
    std::vector<double> times;
    for (std::size_t k = 0; k < queries.size(); ++k) {
        const double ms = percentile(runs[k], 50);
        times.push_back(ms);
        nlohmann::json line{{"query", queries[k]}, {"ms", ms}, {"total", totals[k].first}, {"total_exact", totals[k].second}};
        std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    }
    double sum = 0;
    for (const double t : times) sum += t;
    nlohmann::json summary{{"queries", times.size()},
                           {"passes", passes},
                           {"mode", suggest ? "suggest" : raw ? "raw" : "full"},
                           {"p50_ms", percentile(times, 50)},
                           {"p95_ms", percentile(times, 95)},
                           {"p99_ms", percentile(times, 99)},
                           {"mean_ms", times.empty() ? 0.0 : sum / static_cast<double>(times.size())},
                           {"max_ms", times.empty() ? 0.0 : *std::max_element(times.begin(), times.end())}};
    std::cout << nlohmann::json{{"summary", summary}}.dump() << '\n';
    return k_exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> dbs;
    std::vector<std::string> words;
    std::string sort = "relevance";
    std::string ui_lang = "en";
    std::string related;
    std::string export_format;
    bool terms_uncached = false;
    std::string suggest;
    std::string bench_file;
    std::string data_dir;
    searcher::SearchRequest request;
    bool json = false;
    bool no_facets = false;
    bool no_collapse = false;
    bool no_snippets = false;
    bool no_translate = false;
    std::string translations;
    bool bench_raw = false;
    bool bench_suggest = false;
    std::size_t bench_passes = 1;
    searcher::SearchTuning tuning;
    po::options_description desc(
        "Usage: dateline-search --db DIR [OPTIONS] QUERY...\n"
        "       dateline-search --db DIR --related ID\n"
        "       dateline-search --db DIR --suggest PREFIX\n"
        "       dateline-search --db DIR --bench-queries FILE\n\n"
        "Search a dateline index (English and French news). QUERY uses Xapian's syntax on dateline's\n"
        "analysis (accents, case, elisions and inflections do not matter):\n"
        "  words           the articles with every word first (queries of up to 6 words), then the\n"
        "                  best of those missing a word; longer queries rank by how well they match\n"
        "  \"a phrase\"      the words in this order;  a NEAR b: within 10 words\n"
        "  AND OR NOT ( )  +word (required)  -word (excluded)  word* (prefix, 200 commonest words)\n"
        "  title:word      in the title (also titre:)\n"
        "  place:NAME      about a place: \"North Korea\", \"Corée du Nord\", KP, an id (also lieu:)\n"
        "  lang:fr  source:NAME\n"
        "  date:2024  date:2024-06-15  date:2019..2024  date:2024-06..2024-07  date:..2020\n"
        "Words naming a place also match articles about it in the other language, and articles where\n"
        "the place is central rank higher. Queries are cut to 1024 bytes (with a warning).\n"
        "Details, ranking and the JSON shape: docs/SEARCH.md.\n\nOptions");
    desc.add_options()
        ("help,h", "show this help")
        ("version", "show the version")
        ("db,d", po::value(&dbs)->value_name("DIR"), "index directory, or tcp:HOST:PORT; repeat (or separate by commas) for shards")
        ("json", po::bool_switch(&json), "print JSON (the HTTP API's shape, see docs/SEARCH.md)")
        ("facet-exact-limit", po::value(&tuning.facet_exact_limit)->value_name("N"), "facets are exact up to N matches, then counted on a flagged uniform sample (default 100000; 0: always exact; docs/SCALING.md)")
        ("limit,n", po::value(&request.limit)->value_name("N"), "results per page (default 10, at most 1000)")
        ("offset", po::value(&request.offset)->value_name("N"), "skip the first N results")
        ("from", po::value(&request.from)->value_name("DATE"), "only articles on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD)")
        ("to", po::value(&request.to)->value_name("DATE"), "only articles on or before DATE")
        ("place", po::value(&request.places)->value_name("NAME"), "only articles about this place (name, ISO code or id); repeat for any of several")
        ("lang", po::value(&request.lang)->value_name("en|fr"), "only articles in this language")
        ("source", po::value(&request.source)->value_name("NAME"), "only articles from this source")
        ("sort", po::value(&sort)->value_name("ORDER"),
         "relevance (default; newest first when the query has no words), date (newest first), "
         "recent (relevance blended with freshness)")
        ("half-life", po::value(&request.half_life_days)->value_name("DAYS"),
         "for --sort recent: an article DAYS older counts half as fresh (default 30)")
        ("reference-date", po::value(&request.reference_date)->value_name("DATE"),
         "for --sort recent: count ages from DATE (default: the newest article)")
        ("no-collapse", po::bool_switch(&no_collapse), "list near-duplicate articles separately")
        ("no-facets", po::bool_switch(&no_facets), "do not count facets (faster; totals become estimates)")
        ("facet-year", po::value(&request.facet_year)->value_name("YYYY"), "also count the months of this year")
        ("facet-month", po::value(&request.facet_month)->value_name("YYYY-MM"), "also count the days of this month")
        ("terms", po::bool_switch(&request.period_terms),
         "with the timeline: the words that characterise each year's results (each month's with --facet-year)")
        ("terms-uncached", po::bool_switch(&terms_uncached), "with --terms: compute them every time (measurements; default: cached per index revision)")
        ("facet-top", po::value(&request.facet_top)->value_name("N"), "places, countries and sources listed (default 10)")
        ("ui-lang", po::value(&ui_lang)->value_name("en|fr"), "language of place names (default en)")
        ("no-snippets", po::bool_switch(&no_snippets), "show the start of each article instead of passages around matches")
        ("no-translate", po::bool_switch(&no_translate), "do not also search the words' translations into the other language")
        ("translations", po::value(&translations)->value_name("FILE"),
         "English<->French word table for translating queries (default: translations.tsv in the data directory)")
        ("export", po::value(&export_format)->value_name("csv|jsonl"),
         "write every result (at most 100000) to standard output as CSV (RFC 4180, header row) or JSON Lines: "
         "rank, id, date, lang, source, title, url, places, score; a cut export is reported on standard error")
        ("explain", po::bool_switch(&request.explain), "show the parsed query and what each result's score is made of")
        ("related", po::value(&related)->value_name("ID"), "list the articles most like article ID")
        ("suggest", po::value(&suggest)->value_name("PREFIX"), "list completions of PREFIX (places, title words)")
        ("bench-queries", po::value(&bench_file)->value_name("FILE"),
         "time each query of FILE (one per line; # comments) after one warm-up pass; print a JSON line "
         "per query {query, ms, total, total_exact} and a summary {p50_ms, p95_ms, p99_ms, mean_ms, max_ms}")
        ("bench-raw", po::bool_switch(&bench_raw), "with --bench-queries: the floor, a plain Enquire without facets, collapse or snippets")
        ("bench-suggest", po::bool_switch(&bench_suggest), "with --bench-queries: time completions of each line (as --suggest) instead")
        ("bench-passes", po::value(&bench_passes)->value_name("N"), "with --bench-queries: time N passes, report each query's median (default 1)")
        ("data-dir", po::value(&data_dir)->value_name("DIR"), "directory of the gazetteer (default: $DATELINE_DATA_DIR, then the installed data)");
    po::options_description hidden;
    hidden.add_options()("query", po::value(&words));
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("query", -1);
    try {
        po::variables_map vm;
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
        po::notify(vm);
        if (vm.count("help")) {
            std::cout << desc << '\n';
            return k_exit_ok;
        }
        if (vm.count("version")) {
            std::cout << "dateline-search " << DATELINE_VERSION << " (index layout " << common::schema::k_index_version
                      << ", Xapian " << Xapian::version_string() << ")\n";
            return k_exit_ok;
        }
        if (dbs.empty()) throw common::UsageError("missing --db DIR: the index to search");
        if (request.limit > k_max_cli_limit) {
            throw common::UsageError("--limit " + std::to_string(request.limit) + " is too large; at most " + std::to_string(k_max_cli_limit));
        }
        const int modes = !related.empty() + !suggest.empty() + !bench_file.empty();
        if (modes > 1) throw common::UsageError("--related, --suggest and --bench-queries cannot be combined");
        if (modes == 1 && !export_format.empty()) throw common::UsageError("--export cannot be combined with --related, --suggest or --bench-queries");
        if (modes == 1 && !words.empty()) throw common::UsageError("a QUERY cannot be combined with --related, --suggest or --bench-queries");
        for (const auto& w : words) request.query += (request.query.empty() ? "" : " ") + w;
        request.sort = searcher::parse_sort_order(sort);
        request.ui_lang = common::parse_lang_option(ui_lang);
        if (request.ui_lang == common::Lang::unknown) request.ui_lang = common::Lang::en;
        request.facets = !no_facets;
        request.collapse = !no_collapse;
        request.snippets = !no_snippets;
        request.translate = !no_translate;
        searcher::IndexOpenOptions open_options;
        if (!data_dir.empty()) open_options.data_dir = data_dir;
        if (!translations.empty()) open_options.translations = translations;
        open_options.use_translations = !no_translate;
        tuning.period_terms.cached = !terms_uncached;
        searcher::Searcher searcher(searcher::open_index(dbs, open_options), tuning);
        const bool tty = isatty(STDOUT_FILENO) != 0;
        const auto dump = [](const nlohmann::json& j) { return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace); };

        if (!bench_file.empty()) {
            if (bench_passes == 0) throw common::UsageError("--bench-passes must be at least 1");
            return run_bench(searcher, request, bench_file, bench_raw, bench_suggest, bench_passes);
        }
        if (!related.empty()) {
            searcher::RelatedRequest rr;
            rr.id = related;
            rr.limit = request.limit;
            rr.ui_lang = request.ui_lang;
            const auto response = searcher.related(rr);
            if (!response) throw common::UsageError("no article with id '" + related + "'");
            if (json) {
                std::cout << dump(searcher::to_json(rr, *response)) << '\n';
            } else {
                std::cout << response->hits.size() << " related article" << (response->hits.size() == 1 ? "" : "s") << '\n';
                print_hits(response->hits, tty, false);
            }
            return k_exit_ok;
        }
        if (!suggest.empty()) {
            searcher::SuggestRequest sr;
            sr.prefix = suggest;
            sr.limit = vm.count("limit") ? request.limit : sr.limit;
            sr.ui_lang = request.ui_lang;
            const searcher::SuggestResponse response = searcher.suggest(sr);
            if (json) {
                std::cout << dump(searcher::to_json(sr, response)) << '\n';
            } else {
                for (const auto& c : response.completions) {
                    std::cout << c.text << "\t" << c.kind << (c.place_id.empty() ? "" : " " + c.place_id) << "\t" << c.count << '\n';
                }
            }
            return k_exit_ok;
        }
        if (!export_format.empty()) {
            searcher::ResultExport out(request, searcher::parse_export_format(export_format));
            for (std::string part = out.next(searcher); !part.empty(); part = out.next(searcher)) std::cout << part;
            std::cout.flush();
            if (out.cut()) {
                std::cerr << "dateline-search: export cut at " << out.written() << " of " << (out.total_exact() ? "" : "about ") << out.total()
                          << " results (at most " << searcher::k_export_max << " per export; narrow the search with --from/--to)\n";
            }
            return k_exit_ok;
        }
        const searcher::SearchResponse response = searcher.search(request);
        if (json) {
            std::cout << dump(searcher::to_json(request, response)) << '\n';
        } else {
            print_text(request, response, tty);
        }
        return k_exit_ok;
    } catch (...) {
        return common::report_current_exception("dateline-search");
    }
}
