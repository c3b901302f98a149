// Tests of the source ids and terms of common/schema: one id per publisher however its name is written.
#include "common/schema.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace schema = dateline::common::schema;

TEST_CASE("a source name's id: folded, its leading article dropped, its words joined", "[sources]") {
    struct Row {
        const char* name;
        const char* id;
    };
    const std::vector<Row> rows = {
        {"The Island Post", "islandpost"},
        {"Island Post", "islandpost"},
        {"ISLAND POST", "islandpost"},
        {"island-post", "islandpost"},
        {"islandpost", "islandpost"},
        {"theislandpost", "theislandpost"},
        {"Le Quotidien de l'océan Indien", "quotidiendeloceanindien"},
        {"LE QUOTIDIEN DE L'OCÉAN INDIEN", "quotidiendeloceanindien"},
        {"le-quotidien", "quotidien"},
        {"L'Express", "express"},
        {"Les Échos", "echos"},
        {"La Croix", "croix"},
        {"The", "the"},
        {"news.example.mu", "newsexamplemu"},
        {"wire", "wire"},
        {"AT&T News", "attnews"},
        {"  ", ""},
        {"---", ""},
    };
    for (const Row& row : rows) {
        INFO(row.name);
        CHECK(schema::source_id(row.name) == row.id);
        CHECK(schema::source_id(schema::source_id(row.name)) == schema::source_id(row.name));
    }
}

TEST_CASE("an article's source terms: its id, and the whole name joined when an article was dropped", "[sources]") {
    CHECK(schema::source_terms("The Island Post") == std::vector<std::string>{"XSRCislandpost", "XSRCtheislandpost"});
    CHECK(schema::source_terms("Indian Ocean Observer") == std::vector<std::string>{"XSRCindianoceanobserver"});
    CHECK(schema::source_terms("le-quotidien") == std::vector<std::string>{"XSRCquotidien", "XSRClequotidien"});
    CHECK(schema::source_terms("").empty());
    const std::string long_name(300, 'a');
    CHECK(schema::source_terms(long_name).front().size() == 4 + 200);
}

TEST_CASE("the source filter matches the id term and the folded name of indexes written before source ids", "[sources]") {
    CHECK(schema::source_filter("islandpost").get_description() == "Query(XSRCislandpost)");
    CHECK(schema::source_filter("Island Post").get_description() == "Query((XSRCislandpost OR XSRCisland post))");
    CHECK(schema::source_filter("The Island Post").get_description() == "Query((XSRCislandpost OR XSRCthe island post))");
    CHECK(schema::source_filter("le-quotidien").get_description() == "Query((XSRCquotidien OR XSRCle-quotidien))");
    CHECK(schema::source_filter("---").get_description() == "Query(XSRC---)");
}

TEST_CASE("the source slot holds id and label, a value of an earlier index only a name", "[sources]") {
    const std::string value = schema::source_value("islandpost", "The Island Post");
    CHECK(value == std::string("islandpost\x1f") + "The Island Post");
    const schema::SourceValue parsed = schema::parse_source_value(value);
    CHECK(parsed.id == "islandpost");
    CHECK(parsed.label == "The Island Post");
    const schema::SourceValue legacy = schema::parse_source_value("le-quotidien");
    CHECK(legacy.id == "le-quotidien");
    CHECK(legacy.label == "le-quotidien");
}
