// dateline-search, the program: exit codes, exact error messages, the JSON shape, related, suggest, bench.
#include "search_fixture.hpp"

#include "tests/run_program.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <fstream>

using namespace dateline;

namespace {

using Ran = testing::ProgramRun;

/// Runs dateline-search with `args`; stdout and stderr together, or stdout alone.
Ran search(const std::vector<std::string>& args, bool with_stderr = true) {
    return testing::run_program(DATELINE_SEARCH_BIN, args, with_stderr);
}

}  // namespace

TEST_CASE("dateline-search: errors and exit codes", "[cli]") {
    const std::string db = test::sample_db();
    struct Row {
        std::vector<std::string> args;
        int status;
        const char* message;
    };
    const Row rows[] = {
        {{"Kim"}, 2, "dateline-search: missing --db DIR: the index to search\nTry 'dateline-search --help'.\n"},
        {{"--db", db, "--sort", "sideways", "Kim"}, 2, "unknown sort order 'sideways'; expected one of: relevance, date, recent"},
        {{"--db", db, "--limit", "5000", "Kim"}, 2, "--limit 5000 is too large; at most 1000"},
        {{"--db", db, "--ui-lang", "de", "Kim"}, 2, "unknown language 'de'; expected one of: en, fr, auto"},
        {{"--db", db, "date:soon"}, 2, "bad date 'soon' in 'date:soon'; expected YYYY, YYYY-MM or YYYY-MM-DD, or a range FROM..TO"},
        {{"--db", db, "--from", "yesterday", "Kim"}, 2, "bad from date 'yesterday'; expected YYYY, YYYY-MM or YYYY-MM-DD"},
        {{"--db", db, "--related", "no-such-id"}, 2, "no article with id 'no-such-id'"},
        {{"--db", db, "--related", "x", "--suggest", "y"}, 2, "--related, --suggest and --bench-queries cannot be combined"},
        {{"--db", db, "--export", "csv", "--related", "x"}, 2, "--export cannot be combined with --related, --suggest or --bench-queries"},
        {{"--db", db, "--export", "xml", "x"}, 2, "unknown export format 'xml'; expected one of: csv, jsonl"},
        {{"--db", db, "--suggest", "y", "Kim"}, 2, "a QUERY cannot be combined with --related, --suggest or --bench-queries"},
        {{"--db", db, "--facet-year", "24"}, 2, "bad facet year '24'; expected YYYY"},
        {{"--db", db, "--bench-queries", "/nonexistent/queries.txt"}, 1, "cannot read queries file '/nonexistent/queries.txt'"},
        {{"--db", db + "-absent", "Kim"}, 1, "cannot open index"},
    };
    for (const auto& row : rows) {
        INFO("args: " << nlohmann::json(row.args).dump());
        const Ran r = search(row.args);
        CHECK(r.status == row.status);
        CHECK_THAT(r.out, Catch::Contains(row.message));
    }
}

TEST_CASE("dateline-search --json: the documented shape", "[cli][json]") {
    const Ran r = search({"--db", test::sample_db(), "--json", "--limit", "2", "--facet-year", "2024", "North Korea"}, false);
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    for (const char* key : {"query", "offset", "limit", "sort", "total", "total_exact", "match", "relaxed", "did_you_mean",
                            "warnings", "query_places", "took_ms", "results", "facets"}) {
        INFO(key);
        CHECK(j.contains(key));
    }
    CHECK(j["query"] == "North Korea");
    CHECK(j["total_exact"] == true);
    REQUIRE(j["results"].size() == 2);
    const auto& hit = j["results"][0];
    for (const char* key : {"rank", "id", "title", "title_html", "date", "lang", "source", "url", "score", "weight", "similar",
                            "places", "extract", "snippet_html"}) {
        INFO(key);
        CHECK(hit.contains(key));
    }
    CHECK(hit["snippet_html"].get<std::string>().find("<mark>") != std::string::npos);
    for (const char* key : {"exact", "years", "months", "undated", "places", "countries", "languages", "sources"}) {
        INFO(key);
        CHECK(j["facets"].contains(key));
    }
    CHECK(j["facets"]["months"].size() == 12);
    CHECK_FALSE(j.contains("explain"));

    const Ran explained = search({"--db", test::sample_db(), "--json", "--limit", "1", "--explain", "Kim"}, false);
    REQUIRE(explained.status == 0);
    const auto e = nlohmann::json::parse(explained.out);
    CHECK(e["explain"]["query"].get<std::string>().starts_with("Query("));
    CHECK_FALSE(e["results"][0]["explain"].empty());
}

TEST_CASE("dateline-search: text output, related, suggest", "[cli]") {
    const Ran text = search({"--db", test::sample_db(), "--limit", "1", "Vladivostok summit"}, false);
    REQUIRE(text.status == 0);
    CHECK_THAT(text.out, Catch::Contains("1. Kim and Putin hold first summit in Vladivostok"));
    CHECK_THAT(text.out, Catch::Contains("by year:"));
    CHECK(text.out.find('\033') == std::string::npos);  // not a terminal: no escape codes

    const Ran related = search({"--db", test::sample_db(), "--json", "--related", "en-2019-kim-putin-vladivostok", "--limit", "3"}, false);
    REQUIRE(related.status == 0);
    const auto rj = nlohmann::json::parse(related.out);
    CHECK(rj["id"] == "en-2019-kim-putin-vladivostok");
    CHECK(rj["results"].size() == 3);

    const Ran suggest = search({"--db", test::sample_db(), "--json", "--suggest", "pyo"}, false);
    REQUIRE(suggest.status == 0);
    const auto sj = nlohmann::json::parse(suggest.out);
    REQUIRE_FALSE(sj["completions"].empty());
    CHECK(sj["completions"][0].contains("text"));
    CHECK(sj["completions"][0].contains("kind"));
}

TEST_CASE("dateline-search --bench-queries: a JSON line per query and a summary", "[cli][bench]") {
    test::TempDir dir;
    const std::string file = dir / "queries.txt";
    std::ofstream(file) << "# a comment\nNorth Korea\n\"Corée du Nord\"\nsummit date:2019..2024\n";
    for (const bool raw : {false, true}) {
        std::vector<std::string> args = {"--db", test::sample_db(), "--bench-queries", file};
        if (raw) args.push_back("--bench-raw");
        const Ran r = search(args, false);
        REQUIRE(r.status == 0);
        std::vector<nlohmann::json> lines;
        std::size_t start = 0;
        while (start < r.out.size()) {
            const std::size_t nl = r.out.find('\n', start);
            lines.push_back(nlohmann::json::parse(r.out.substr(start, nl - start)));
            start = nl + 1;
        }
        REQUIRE(lines.size() == 4);
        CHECK(lines[0]["query"] == "North Korea");
        CHECK(lines[0]["ms"].get<double>() >= 0);
        CHECK(lines[3]["summary"]["queries"] == 3);
        CHECK(lines[3]["summary"]["mode"] == (raw ? "raw" : "full"));
        CHECK(lines[3]["summary"].contains("p99_ms"));
    }
}
