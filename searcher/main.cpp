// dateline-search: search a dateline index from the command line, as text or JSON.
#include "index_reader.hpp"
#include "json_output.hpp"
#include "searcher.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"

#include <boost/program_options.hpp>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

namespace po = boost::program_options;
using namespace dateline;

namespace {

constexpr int k_exit_ok = 0;
constexpr int k_exit_failure = 1;
constexpr int k_exit_usage = 2;

void print_text(const searcher::SearchResponse& r, const searcher::SearchRequest& req, bool tty) {
    const char* bold = tty ? "\033[1m" : "";
    const char* dim = tty ? "\033[2m" : "";
    const char* reset = tty ? "\033[0m" : "";
    std::cout << (r.total_exact ? "" : "about ") << r.total << " result" << (r.total == 1 ? "" : "s");
    if (r.relaxed) std::cout << " (no article has every word; showing articles with most of them)";
    std::cout << '\n';
    for (const auto& hit : r.hits) {
        const auto& a = hit.article;
        std::cout << '\n' << hit.rank << ". " << bold << a.display_title() << reset << '\n';
        std::cout << "   " << dim << (a.date ? a.date->iso().substr(0, 10) : std::string("undated")) << "  "
                  << common::lang_code(a.lang) << "  " << a.source << "  " << a.id << reset << '\n';
        if (!hit.extract.empty()) std::cout << "   " << hit.extract << '\n';
    }
    if (req.facets && !r.years.empty()) {
        std::cout << "\nby year:";
        for (const auto& y : r.years) std::cout << ' ' << y.value << " (" << y.count << ")";
        std::cout << '\n';
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> dbs;
    std::vector<std::string> words;
    std::string sort = "relevance";
    searcher::SearchRequest request;
    bool json = false;
    bool explain = false;
    bool no_facets = false;
    po::options_description desc(
        "Usage: dateline-search --db DIR [OPTIONS] QUERY...\n\n"
        "Search a dateline index. QUERY uses Xapian's syntax: words (all must match; if none has\n"
        "every word, articles with most of them), \"phrases\", AND OR NOT, +word -word, NEAR, word*,\n"
        "title:word, lang:fr, source:NAME.\n\nOptions");
    desc.add_options()
        ("help,h", "show this help")
        ("version", "show the version")
        ("db,d", po::value(&dbs)->value_name("DIR"), "index directory, or tcp:HOST:PORT; repeat (or separate by commas) for shards")
        ("json", po::bool_switch(&json), "print the JSON response (the HTTP API's shape)")
        ("limit,n", po::value(&request.limit)->value_name("N"), "results per page (default 10, at most 1000)")
        ("offset", po::value(&request.offset)->value_name("N"), "skip the first N results")
        ("from", po::value(&request.from)->value_name("DATE"), "only articles on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD)")
        ("to", po::value(&request.to)->value_name("DATE"), "only articles on or before DATE")
        ("lang", po::value(&request.lang)->value_name("en|fr"), "only articles in this language")
        ("source", po::value(&request.source)->value_name("NAME"), "only articles from this source")
        ("sort", po::value(&sort)->value_name("ORDER"), "relevance (default), date (newest first), recent")
        ("no-facets", po::bool_switch(&no_facets), "do not count facets (faster; totals are estimates)")
        ("explain", po::bool_switch(&explain), "show the parsed query");
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
        if (request.limit > 1000) throw common::UsageError("--limit " + std::to_string(request.limit) + " is too large; at most 1000");
        for (const auto& w : words) request.query += (request.query.empty() ? "" : " ") + w;
        request.sort = searcher::parse_sort_order(sort);
        request.facets = !no_facets;
        searcher::Searcher searcher(searcher::open_index(dbs));
        const searcher::SearchResponse response = searcher.search(request);
        if (json) {
            nlohmann::json j = searcher::to_json(request, response);
            if (explain) j["explain"]["query"] = response.query_description;
            std::cout << j.dump(2) << '\n';
        } else {
            if (explain) std::cout << "query: " << response.query_description << "\n\n";
            print_text(response, request, isatty(STDOUT_FILENO) != 0);
        }
        return k_exit_ok;
    } catch (const po::error& e) {
        std::cerr << "dateline-search: " << e.what() << "\nTry 'dateline-search --help'.\n";
        return k_exit_usage;
    } catch (const common::UsageError& e) {
        std::cerr << "dateline-search: " << e.what() << "\nTry 'dateline-search --help'.\n";
        return k_exit_usage;
    } catch (const common::Error& e) {
        std::cerr << "dateline-search: error: " << e.what() << '\n';
        return k_exit_failure;
    } catch (const Xapian::Error& e) {
        std::cerr << "dateline-search: database error: " << e.get_description() << '\n';
        return k_exit_failure;
    }
}
