// "Did you mean" from the index vocabulary, and as-you-type completions.
#include "search_fixture.hpp"

#include "searcher/spelling.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace dateline;

namespace {

using test::sample_searcher;

std::vector<std::string> completion_texts(const searcher::SuggestResponse& r) {
    std::vector<std::string> out;
    for (const auto& c : r.completions) out.push_back(c.text);
    return out;
}

}  // namespace

TEST_CASE("edit distance with transpositions, bounded", "[spelling]") {
    struct Row {
        const char* a;
        const char* b;
        std::size_t bound;
        std::size_t expected;
    };
    const Row rows[] = {
        {"pyongyang", "pyongyang", 2, 0}, {"pyongyng", "pyongyang", 2, 1}, {"poutin", "poutine", 2, 1},
        {"korea", "koera", 2, 1},         {"korea", "kroea", 2, 1},        {"summit", "sumit", 1, 1},
        {"abc", "xyz", 2, 3},             {"a", "abcdef", 2, 3},           {"", "ab", 2, 2},
    };
    for (const auto& row : rows) {
        INFO(row.a << " / " << row.b);
        CHECK(searcher::edit_distance(row.a, row.b, row.bound) == row.expected);
    }
}

TEST_CASE("misspelt words are corrected from the archive's vocabulary", "[spelling]") {
    const Xapian::Database& db = sample_searcher().index().database;
    struct Row {
        const char* typed;
        const char* expected;  ///< "" for no correction
    };
    const Row rows[] = {
        {"pyongyng", "pyongyang"},
        {"poutin", "poutine"},
        {"vladivostock", "vladivostok"},
        {"pyongyang", ""},  // known words stay
        {"kim", ""},        // too short to correct
        {"zzzzzzzz", ""},   // nothing near
    };
    for (const auto& row : rows) {
        INFO(row.typed);
        const auto fix = searcher::correct_word(db, row.typed);
        CHECK((fix ? fix->word : std::string()) == row.expected);
    }
}

TEST_CASE("a query with an unknown word suggests a correction", "[spelling]") {
    searcher::SearchRequest request;
    request.facets = false;
    request.query = "Pyongyng";
    const auto none = sample_searcher().search(request);
    CHECK(none.total == 0);
    REQUIRE(none.did_you_mean);
    CHECK(*none.did_you_mean == "Pyongyang");  // capitalized as typed

    // Stemming already finds "Poutine" for "Poutin"; the correction is offered all the same.
    request.query = "Kim Poutin";
    const auto found = sample_searcher().search(request);
    CHECK(found.total > 0);
    REQUIRE(found.did_you_mean);
    CHECK(*found.did_you_mean == "Kim Poutine");

    // With its accents, as titles print it.
    request.query = "électoin";
    const auto accented = sample_searcher().search(request);
    REQUIRE(accented.did_you_mean);
    CHECK(*accented.did_you_mean == "élection");

    request.query = "Kim Putin";
    CHECK_FALSE(sample_searcher().search(request).did_you_mean);
    request.query = "Pyongyng";
    request.spelling = false;
    CHECK_FALSE(sample_searcher().search(request).did_you_mean);
}

TEST_CASE("completions: title words, with what precedes them", "[suggest]") {
    searcher::SuggestRequest request;
    request.prefix = "pyo";
    const auto pyo = sample_searcher().suggest(request);
    REQUIRE_FALSE(pyo.completions.empty());
    CHECK_THAT(completion_texts(pyo), Catch::VectorContains(std::string("Pyongyang")));

    // Title words after the previous word: "north" is followed by "Korea" and "Korean" in titles.
    request.prefix = "north k";
    const auto north = sample_searcher().suggest(request);
    const auto texts = completion_texts(north);
    CHECK(std::count_if(texts.begin(), texts.end(), [](const std::string& t) { return t.starts_with("north Korea"); }) >= 1);

    request.prefix = "";
    CHECK(sample_searcher().suggest(request).completions.empty());
    request.prefix = "qqqqq";
    CHECK(sample_searcher().suggest(request).completions.empty());
    request.prefix = std::string("\xff\xfe", 2);
    CHECK_NOTHROW(sample_searcher().suggest(request));
}

TEST_CASE("completions: places of the archive, in the user's language", "[suggest][places]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    test::index_articles(db, {
        test::make_article("v1", "Summit", "Leaders met.", "2024-01-01", common::Lang::en, "test", {{"gn2013348", "RU", 1.0}}),
        test::make_article("v2", "Ferry", "A ferry sailed.", "2024-01-02", common::Lang::en, "test", {{"gn2013348", "RU", 1.0}}),
        test::make_article("k1", "Treaty", "A treaty was signed.", "2024-01-03", common::Lang::en, "test", {{"KP", "KP", 1.0}}),
    });
    searcher::Searcher s(searcher::open_index({db}));
    REQUIRE(s.index().places->kind() == "gazetteer");  // data/gazetteer.tsv is committed
    searcher::SuggestRequest request;
    request.prefix = "vladi";
    const auto r = s.suggest(request);
    REQUIRE_FALSE(r.completions.empty());
    CHECK(r.completions.front().kind == "place");
    CHECK(r.completions.front().place_id == "gn2013348");
    CHECK(r.completions.front().text == "Vladivostok");
    CHECK(r.completions.front().count == 2);

    // The name in the language typed, whatever the UI's.
    request.prefix = "summit at corée du n";
    const auto fr = s.suggest(request);
    REQUIRE_FALSE(fr.completions.empty());
    CHECK(fr.completions.front().text == "summit at Corée du Nord");
    request.prefix = "north k";
    request.ui_lang = common::Lang::fr;
    const auto en = s.suggest(request);
    REQUIRE_FALSE(en.completions.empty());
    CHECK(en.completions.front().text == "North Korea");
    request.prefix = "korea";
    request.ui_lang = common::Lang::en;
    const auto tail = s.suggest(request);
    REQUIRE_FALSE(tail.completions.empty());
    CHECK(tail.completions.front().text == "North Korea");
}

TEST_CASE("completions: a place is listed once, not again as its other-language name in titles", "[suggest][places]") {
    test::TempDir dir;
    const std::string db = dir / "db";
    test::index_articles(db, {
        test::make_article("r1", "Russie : sanctions", "La Russie répond.", "2024-01-01", common::Lang::fr, "test", {{"RU", "RU", 1.0}}),
        test::make_article("r2", "Russie et Chine", "La Russie et la Chine.", "2024-01-02", common::Lang::fr, "test", {{"RU", "RU", 1.0}}),
        test::make_article("r3", "Russe et fier", "Un écrivain russe.", "2024-01-03", common::Lang::fr, "test", {}),
    });
    searcher::Searcher s(searcher::open_index({db}));
    REQUIRE(s.index().places->kind() == "gazetteer");  // data/gazetteer.tsv is committed
    searcher::SuggestRequest request;
    request.prefix = "russ";
    request.ui_lang = common::Lang::en;
    const auto texts = completion_texts(s.suggest(request));
    CHECK_THAT(texts, Catch::VectorContains(std::string("Russia")));
    CHECK_FALSE(std::find(texts.begin(), texts.end(), std::string("Russie")) != texts.end());
    CHECK_THAT(texts, Catch::VectorContains(std::string("Russe")));  // another word, kept (printed as in titles)
}
