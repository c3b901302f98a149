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

TEST_CASE("a grouped article's values read back with their slots and its group's key", "[schema]") {
    Xapian::Document doc;
    doc.add_value(schema::k_slot_year, "2019");
    doc.add_value(schema::k_slot_day, "2019-03-04");
    doc.add_value(schema::k_slot_source, schema::source_value("islandpost", "The Island Post"));
    doc.add_value(schema::k_slot_place_first, "gn2013348");
    doc.add_value(schema::k_slot_country_first + 1, "KP");
    doc.add_value(schema::k_slot_collapse, "Qother");   // not a facet value: not recorded
    const std::string long_value(300, 'x');             // lengths past one byte of the length prefix
    doc.add_value(schema::k_slot_lang, long_value);
    const std::string recorded = schema::group_values(doc, "Qfirst-article");
    const auto back = schema::parse_group_values(recorded);
    REQUIRE(back);
    CHECK(back->key == "Qfirst-article");
    const std::vector<std::pair<Xapian::valueno, std::string>> expected{
        {schema::k_slot_year, "2019"},
        {schema::k_slot_day, "2019-03-04"},
        {schema::k_slot_lang, long_value},
        {schema::k_slot_source, schema::source_value("islandpost", "The Island Post")},
        {schema::k_slot_place_first, "gn2013348"},
        {schema::k_slot_country_first + 1, "KP"},
    };
    CHECK(back->values == expected);
    // Not a record: refused, never read past its end.
    CHECK_FALSE(schema::parse_group_values(""));
    CHECK_FALSE(schema::parse_group_values(recorded.substr(0, recorded.size() - 1)));
    CHECK_FALSE(schema::parse_group_values(std::string("\xff\xff\xff\xff\xff\xff", 6)));
}
