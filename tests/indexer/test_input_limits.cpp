// Hostile inputs (issue 19.1 and 19.8): nesting, entity expansion and line length are bounded in every reader;
// the bad record is reported with the limit named and skipped, the rest of the file read. Each input is
// generated here, and was a crash or a gigabyte-sized blow-up before the limits.
#include "indexer/diagnostics.hpp"
#include "indexer/feed_source.hpp"
#include "indexer/html_source.hpp"
#include "indexer/json_source.hpp"
#include "indexer/source.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

using namespace dateline;

namespace {

struct ReadResult {
    std::vector<common::Article> articles;
    std::vector<std::string> errors;
};

ReadResult read_with(indexer::Source& source, std::string content, const std::string& name) {
    ReadResult result;
    indexer::Diagnostics diagnostics(result.errors);
    indexer::InputFile file{name, name, "test", name};
    std::istringstream in(std::move(content));
    source.read(in, file, [&](common::Article&& article) { result.articles.push_back(std::move(article)); }, diagnostics);
    return result;
}

std::vector<std::string> titles_of(const ReadResult& result) {
    std::vector<std::string> titles;
    for (const auto& article : result.articles) titles.push_back(article.title);
    return titles;
}

std::string repeat(std::string_view unit, std::size_t times) {
    std::string out;
    out.reserve(unit.size() * times);
    for (std::size_t k = 0; k < times; ++k) out += unit;
    return out;
}

std::string nested_arrays(std::size_t depth) { return repeat("[", depth) + repeat("]", depth); }

std::string nested_objects(std::size_t depth) { return repeat("{\"a\":", depth) + "1" + repeat("}", depth); }

}  // namespace

TEST_CASE("JSON nested up to the limit parses, one level more is refused before it is built", "[limits][json]") {
    const std::size_t limit = indexer::k_max_nesting_depth;
    CHECK(indexer::parse_json(nested_arrays(limit)).is_array());
    CHECK(indexer::parse_json(nested_objects(limit)).is_object());
    CHECK_THROWS_AS(indexer::parse_json(nested_arrays(limit + 1)), indexer::JsonOverLimit);
    CHECK_THROWS_AS(indexer::parse_json(nested_objects(limit + 1)), indexer::JsonOverLimit);
    CHECK_THROWS_WITH(indexer::parse_json(nested_arrays(100000)), "JSON nested deeper than 256 levels (the limit)");
    CHECK_THROWS_AS(indexer::parse_json("[1,"), nlohmann::json::parse_error);
}

TEST_CASE("JSON of more values than the limit is refused, with the limit named", "[limits][json]") {
    // Two bytes of input per value, 16 or more in memory: 62 MB of these took 1.14 GB.
    const std::string ones = "[" + repeat("1,", indexer::k_max_json_values) + "1]";
    CHECK_THROWS_WITH(indexer::parse_json(ones), "JSON of more than 4194304 values (the limit)");
    CHECK(indexer::parse_json("[" + repeat("1,", 1000) + "1]").size() == 1001);
}

TEST_CASE("JSON Lines: lines nested 100,000 deep are skipped with file, line and limit, the others are read", "[limits][json]") {
    indexer::JsonLinesSource source{indexer::FieldMapping{}};
    const std::string content = "{\"title\":\"first\",\"body\":\"one\"}\n"
                                "{\"title\":\"deep\",\"x\":" + nested_arrays(100000) + "}\n"
                                + nested_objects(100000) + "\n"
                                "{\"title\":\"last\",\"body\":\"four\"}\n";
    const auto result = read_with(source, content, "deep.jsonl");
    CHECK(titles_of(result) == std::vector<std::string>{"first", "last"});
    REQUIRE(result.errors.size() == 2);
    CHECK_THAT(result.errors[0], Catch::StartsWith("deep.jsonl:2: error: JSON nested deeper than 256 levels (the limit); skipped"));
    CHECK_THAT(result.errors[1], Catch::StartsWith("deep.jsonl:3: error: JSON nested deeper than 256 levels (the limit); skipped"));
}

TEST_CASE("a JSON document nested 100,000 deep is skipped with the limit named", "[limits][json]") {
    indexer::JsonDocumentSource source{indexer::FieldMapping{}};
    for (const std::string& content : {nested_arrays(100000), nested_objects(100000)}) {
        const auto result = read_with(source, content, "deep.json");
        CHECK(result.articles.empty());
        REQUIRE(result.errors.size() == 1);
        CHECK(result.errors[0] == "deep.json: error: JSON nested deeper than 256 levels (the limit); skipped");
    }
}

TEST_CASE("JSON Lines: a line longer than the limit is skipped unread, the lines around it are read", "[limits][json]") {
    indexer::JsonLinesSource source{indexer::FieldMapping{}};
    const std::string content = "{\"title\":\"first\",\"body\":\"one\"}\n"
                                "{\"title\":\"long\",\"body\":\"" + std::string(indexer::k_max_line_bytes, 'a') + "\"}\n"
                                "{\"title\":\"last\",\"body\":\"three\"}";
    const auto result = read_with(source, content, "long.jsonl");
    CHECK(titles_of(result) == std::vector<std::string>{"first", "last"});
    REQUIRE(result.errors.size() == 1);
    CHECK_THAT(result.errors[0],
               Catch::StartsWith("long.jsonl:2: error: line longer than 64 MiB (the limit for one record); skipped: '{\"title\":\"long\""));
}

TEST_CASE("JSON Lines: lines just under the chunk and limit sizes are read whole", "[limits][json]") {
    indexer::JsonLinesSource source{indexer::FieldMapping{}};
    // Lines around the reader's 64 KiB chunk (a record is its body and 23 bytes), first and last, the last
    // with and without a final newline.
    for (const std::size_t body : {65534 - 23, 65535 - 23, 65536 - 23, 3 * 65536}) {
        for (const char* end : {"\n", ""}) {
            const std::string text(body, 'b');
            const std::string record = "{\"title\":\"t\",\"body\":\"" + text + "\"}";
            const auto result = read_with(source, record + "\n" + record + end, "x.jsonl");
            INFO("body " << body << " end " << (*end ? "newline" : "none") << ": " << (result.errors.empty() ? "" : result.errors[0]));
            REQUIRE(result.errors.empty());
            REQUIRE(result.articles.size() == 2);
            CHECK(result.articles[0].body == text);
            CHECK(result.articles[1].body == text);
        }
    }
}

TEST_CASE("HTML: 5,000 unclosed divs are refused for their depth, without gumbo's quadratic error records", "[limits][html]") {
    indexer::HtmlSource source;
    const auto result = read_with(source, "<html><body><p>hello</p>" + repeat("<div>", 5000), "divs.html");
    CHECK(result.articles.empty());
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0] == "divs.html: error: HTML elements nested deeper than 256 levels (the limit); skipped");

    const auto shallow = read_with(source, "<html><body><h1>Deep but fine</h1>" + repeat("<div>", 200) + "<p>text</p></body></html>",
                                   "ok.html");
    CHECK(shallow.errors.empty());
    REQUIRE(shallow.articles.size() == 1);
    CHECK(shallow.articles[0].title == "Deep but fine");
}

TEST_CASE("feeds: elements nested past the limit are an error naming it, the items before are read", "[limits][feeds]") {
    indexer::FeedSource source;
    const std::string feed = "<?xml version=\"1.0\"?>\n<rss><channel>\n"
                             "<item><title>Before</title><description>fine</description></item>\n"
                             "<item><title>Deep</title><description>" + repeat("<x>", 100000) + repeat("</x>", 100000) +
                             "</description></item>\n"
                             "<item><title>After</title><description>fine</description></item>\n</channel></rss>\n";
    const auto result = read_with(source, feed, "deep.xml");
    CHECK(titles_of(result) == std::vector<std::string>{"Before"});
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0] ==
          "deep.xml:4: error: XML elements nested deeper than 256 levels (the limit); the item there is skipped and the rest of the "
          "feed is not read");
}

TEST_CASE("feeds: an item whose entities expand past the limit is skipped, the other items are read", "[limits][feeds]") {
    indexer::FeedSource source;
    // 400 references to a 50 KB entity: 20 MB of text from a 52 KB feed.
    const std::string feed = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY e \"" + std::string(50000, 'A') + "\">]>\n"
                             "<rss><channel>\n"
                             "<item><title>Bomb</title><description>" + repeat("&e;", 400) + "</description></item>\n"
                             "<item><title>Kept</title><description>a few &e; words</description></item>\n"
                             "</channel></rss>\n";
    const auto result = read_with(source, feed, "bomb.xml");
    REQUIRE(result.articles.size() == 1);
    CHECK(result.articles[0].title == "Kept");
    CHECK(result.articles[0].body.size() == 50000 + 12);  // a small expansion is kept
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0] == "bomb.xml:4: error: feed item's text expands to more than 16 MiB through XML entity references "
                              "(the limit); skipped");
}
