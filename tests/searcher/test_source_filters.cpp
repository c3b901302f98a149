// Source filters and the source facet: a publisher found by its name as written, by its id and by the facet
// link, labelled as it writes its name; indexes written before source ids still filtered and counted.
#include "search_fixture.hpp"

#include "searcher/index_reader.hpp"
#include "searcher/searcher.hpp"

#include "common/schema.hpp"
#include "common/text.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

using namespace dateline;
using common::Lang;
namespace schema = common::schema;

namespace {

std::vector<common::Article> publisher_articles() {
    return {
        test::make_article("p1", "Rain closes schools", "Heavy rain closed the schools.", "2024-01-02", Lang::en, "The Island Post"),
        test::make_article("p2", "Rain returns", "More rain fell on the island.", "2024-01-03", Lang::en, "The Island Post"),
        test::make_article("p3", "Rain warning lifted", "The rain warning was lifted.", "2024-01-04", Lang::en, "Island Post"),
        test::make_article("q1", "Pluie sur l'île", "La pluie est tombée toute la nuit.", "2024-01-02", Lang::fr,
                           "Le Quotidien de l'océan Indien"),
        test::make_article("w1", "Rain in the region", "Rain fell across the region.", "2024-01-02", Lang::en, "wire"),
    };
}

std::size_t total_of(searcher::Searcher& s, const std::string& query, const std::string& source = {}) {
    searcher::SearchRequest request;
    request.query = query;
    request.source = source;
    request.facets = false;
    return s.search(request).total;
}

using SourceFacet = std::map<std::string, std::pair<std::size_t, std::string>>;

SourceFacet source_facet(searcher::Searcher& s) {
    searcher::SearchRequest request;
    request.query = "";
    const auto r = s.search(request);
    REQUIRE(r.facets);
    SourceFacet out;
    for (const auto& c : r.facets->sources) out[c.value] = {c.count, c.label};
    return out;
}

/// The source facet of every article is `expected` (value → count, label), and the search filtered on each
/// value (the facet's link) finds as many articles as it counts.
void check_facet_and_links(searcher::Searcher& s, const SourceFacet& expected) {
    CHECK(source_facet(s) == expected);
    for (const auto& [value, entry] : expected) {
        INFO(value);
        CHECK(total_of(s, "", value) == entry.first);
    }
}

}  // namespace

TEST_CASE("source: finds a publisher by its name as written, its id, and the facet link", "[sources][query]") {
    test::TempDir dir("dateline-sources");
    test::index_articles(dir / "db", publisher_articles());
    searcher::Searcher s(searcher::open_index({dir / "db"}));
    for (const char* query : {"rain source:\"The Island Post\"", "rain source:\"Island Post\"", "rain source:islandpost",
                              "rain source:IslandPost", "rain source:theislandpost", "rain source:island-post",
                              "rain source:\"THE ISLAND POST\""}) {
        INFO(query);
        CHECK(total_of(s, query) == 3);
    }
    for (const char* source : {"The Island Post", "islandpost", "island post"}) {
        INFO(source);
        CHECK(total_of(s, "rain", source) == 3);
    }
    CHECK(total_of(s, "", "Le Quotidien de l'océan Indien") == 1);
    CHECK(total_of(s, "", "le quotidien de l'ocean indien") == 1);
    CHECK(total_of(s, "", "quotidiendeloceanindien") == 1);
    CHECK(total_of(s, "rain source:wire") == 1);
    CHECK(total_of(s, "rain source:island") == 0);

    // The facet lists ids with the name most articles give; its links (the ids) find what it counts.
    check_facet_and_links(s, {{"islandpost", {3, "The Island Post"}},
                              {"quotidiendeloceanindien", {1, "Le Quotidien de l'océan Indien"}},
                              {"wire", {1, ""}}});
}

TEST_CASE("an index records one label per source: the first name written, over slugs", "[sources]") {
    test::TempDir dir("dateline-sources");
    auto articles = publisher_articles();
    articles[0].source = "islandpost";  // a JSON export's slug first, the site's own name after it
    test::index_articles(dir / "db", articles);
    Xapian::Database db(dir / "db");
    CHECK(db.get_metadata(std::string(schema::k_meta_source_label_prefix) + "islandpost") == "The Island Post");
    for (Xapian::docid id = 1; id <= 3; ++id) {
        INFO(id);
        CHECK(db.get_document(id).get_value(schema::k_slot_source) == schema::source_value("islandpost", "The Island Post"));
    }
    // Each article keeps the name its input gave, for display.
    CHECK(common::Article::from_stored_json(db.get_document(1).get_data()).source == "islandpost");
}

TEST_CASE("shards: a publisher's articles count under one id whatever label each shard gives", "[sources][shards]") {
    test::TempDir dir("dateline-sources");
    auto articles = publisher_articles();
    std::vector<common::Article> first(articles.begin(), articles.begin() + 2);
    std::vector<common::Article> second(articles.begin() + 2, articles.end());
    test::index_articles(dir / "a", first);
    test::index_articles(dir / "b", second);
    searcher::Searcher s(searcher::open_index({dir / "a", dir / "b"}));
    const auto facet = source_facet(s);
    REQUIRE(facet.count("islandpost"));
    CHECK(facet.at("islandpost") == std::pair<std::size_t, std::string>{3, "The Island Post"});
    CHECK(total_of(s, "", "islandpost") == 3);
}

TEST_CASE("an index written before source ids: source: and the facet links still find its articles", "[sources][compat]") {
    test::TempDir dir("dateline-sources");
    test::index_articles(dir / "db", publisher_articles());
    {
        // Rewrite the source terms and values as builds before source ids wrote them: "XSRC" + the folded
        // name, and the name alone in the slot.
        Xapian::WritableDatabase db(dir / "db");
        for (Xapian::docid id = 1; id <= db.get_lastdocid(); ++id) {
            Xapian::Document doc = db.get_document(id);
            const std::string name = schema::parse_source_value(doc.get_value(schema::k_slot_source)).label;
            std::vector<std::string> terms;
            for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
                if ((*t).starts_with(schema::k_prefix_source)) terms.push_back(*t);
            }
            for (const std::string& term : terms) doc.remove_term(term);
            doc.add_boolean_term(std::string(schema::k_prefix_source) + common::fold_for_match(name));
            doc.add_value(schema::k_slot_source, name);
            db.replace_document(id, doc);
        }
        db.commit();
    }
    searcher::Searcher s(searcher::open_index({dir / "db"}));
    CHECK(total_of(s, "rain source:\"The Island Post\"") == 3);
    CHECK(total_of(s, "rain source:wire") == 1);
    CHECK(total_of(s, "", "Le Quotidien de l'océan Indien") == 1);
    check_facet_and_links(s, {{"The Island Post", {3, ""}}, {"Le Quotidien de l'océan Indien", {1, ""}}, {"wire", {1, ""}}});
}
