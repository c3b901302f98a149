// Near-duplicates: simhash fingerprints, band terms, and the collapse keys the writer sets.
#include "indexer/diagnostics.hpp"
#include "indexer/fingerprint.hpp"
#include "indexer/formats.hpp"
#include "indexer/index_writer.hpp"

#include "common/schema.hpp"

#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

using namespace dateline;
using dateline::testing::TempDir;
namespace schema = common::schema;

namespace {

indexer::Fingerprint fingerprint_of(std::string_view text) {
    static const auto analyzer = indexer::make_index_analyzer();
    return indexer::make_fingerprint(analyzer->tokenize(text));
}

bool near_duplicates(const indexer::Fingerprint& a, const indexer::Fingerprint& b) {
    bool band = false;
    for (std::size_t k = 0; k < indexer::k_bands; ++k) band = band || a.bands[k] == b.bands[k];
    return band && indexer::hamming_distance(a.simhash, b.simhash) <= indexer::k_near_duplicate_bits;
}

std::string collapse_of(const Xapian::Database& db, const std::string& id) {
    const std::string term = std::string(schema::k_prefix_id) + id;
    const auto it = db.postlist_begin(term);
    REQUIRE(it != db.postlist_end(term));
    return db.get_document(*it).get_value(schema::k_slot_collapse);
}

const char* const k_story =
    "The prime minister announced on Tuesday a plan to rebuild the coastal road between the capital and the "
    "southern towns, damaged by last month's cyclone. Engineers will start work in March and expect to finish "
    "before the next rainy season, the ministry said. Fishermen and hotel owners, who depend on the road, "
    "welcomed the announcement but asked for compensation for the weeks of lost business. The opposition "
    "criticised the cost of the project, which it called excessive, and demanded an independent audit of the "
    "contracts awarded after the storm.";

/// The story with one word changed: a near-duplicate of it.
std::string edited_story() {
    std::string edited(k_story);
    edited.replace(edited.find("March"), 5, "April");
    return edited;
}

/// One JSON Lines record of an article titled "Coastal road".
std::string record(const std::string& id, const std::string& body) {
    nlohmann::json j;
    j["id"] = id;
    j["title"] = "Coastal road";
    j["body"] = body;
    return j.dump() + "\n";
}

}  // namespace

TEST_CASE("fingerprints: equal texts are equal, small edits stay near, other stories are far", "[fingerprint]") {
    const auto a = fingerprint_of(k_story);
    REQUIRE_FALSE(a.empty());
    CHECK(fingerprint_of(k_story).simhash == a.simhash);
    CHECK(fingerprint_of(k_story).bands == a.bands);
    // Case and punctuation do not matter: the analysed (folded) words do.
    std::string shouted(k_story);
    for (char& c : shouted) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c == ',') c = ';';
    }
    CHECK(fingerprint_of(shouted).simhash == a.simhash);
    CHECK(fingerprint_of(shouted).bands == a.bands);
    std::string edited(k_story);
    edited.replace(edited.find("The opposition criticised"), 25, "Opposition leaders attacked");
    CHECK(near_duplicates(a, fingerprint_of(edited)));
    const auto other = fingerprint_of(
        "Thousands of supporters gathered in the stadium on Saturday evening to celebrate the national team's "
        "victory in the regional championship, the first title in twelve years. The coach thanked the players, "
        "the staff and the fans, and promised an even stronger squad for the continental qualifiers that start in "
        "September. The captain, who scored twice in the final, said the win belonged to the whole island.");
    CHECK_FALSE(near_duplicates(a, other));
    // Too short to fingerprint.
    CHECK(fingerprint_of("Brief: the market closes early today.").empty());
    CHECK(fingerprint_of("").empty());
}

TEST_CASE("fingerprint values and band terms", "[fingerprint]") {
    CHECK(indexer::fingerprint_hex(0x0123456789abcdefULL) == "0123456789abcdef");
    CHECK(indexer::parse_fingerprint_hex("0123456789abcdef") == 0x0123456789abcdefULL);
    CHECK(indexer::parse_fingerprint_hex("xyz") == 0);
    CHECK(indexer::parse_fingerprint_hex("0123456789ABCDEG") == 0);
    indexer::Fingerprint fp;
    fp.simhash = 1;
    for (std::size_t k = 0; k < indexer::k_bands; ++k) fp.bands[k] = static_cast<std::uint32_t>(0xabc000 + k);
    const auto terms = indexer::band_terms(fp);
    CHECK(terms[0] == "XH0abc000");
    CHECK(terms[5] == "XH5abc005");
    Xapian::Document doc;
    indexer::add_fingerprint(doc, fp);
    CHECK(doc.get_value(schema::k_slot_simhash) == "0000000000000001");
    CHECK(doc.termlist_count() == indexer::k_bands);
    Xapian::Document none;
    indexer::add_fingerprint(none, indexer::Fingerprint{});
    CHECK(none.termlist_count() == 0);
}

TEST_CASE("the sample corpus's wire copies share a collapse key, no other article has one", "[fingerprint]") {
    const TempDir dir;
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    indexer::IndexOptions options;
    options.quiet = true;
    options.batch_size = 7;  // the pair lands in different batches: found through the database too
    indexer::index_inputs(dir / "db", {DATELINE_SAMPLE_CORPUS}, {}, options, diagnostics);
    const Xapian::Database db(dir / "db");
    REQUIRE(db.get_doccount() == 71);
    CHECK(collapse_of(db, "en-2024-wire-putin-kim-treaty") == "Qen-2024-wire-putin-kim-treaty");
    CHECK(collapse_of(db, "en-2024-wire-putin-kim-treaty-v2") == "Qen-2024-wire-putin-kim-treaty");
    // An article alone in its group carries no key (collapsing skips it at no cost).
    std::size_t keyed = 0;
    for (auto it = db.allterms_begin("Q"); it != db.allterms_end("Q"); ++it) {
        const Xapian::Document doc = db.get_document(*db.postlist_begin(*it));
        if (!doc.get_value(schema::k_slot_collapse).empty()) ++keyed;
    }
    CHECK(keyed == 2);

}

TEST_CASE("near-duplicates across runs and batches join the first article's group", "[fingerprint]") {
    const TempDir dir;
    const std::string edited = edited_story();
    dir.write("run1/a.jsonl", record("first", k_story) + record("unrelated", "Short note."));
    dir.write("run2/b.jsonl", record("copy", edited));
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    indexer::IndexOptions options;
    options.quiet = true;
    indexer::index_inputs(dir / "db", {dir / "run1"}, {}, options, diagnostics);
    indexer::index_inputs(dir / "db", {dir / "run2"}, {}, options, diagnostics);
    const Xapian::Database db(dir / "db");
    CHECK(collapse_of(db, "first") == "Qfirst");
    CHECK(collapse_of(db, "copy") == "Qfirst");
    CHECK(collapse_of(db, "unrelated").empty());
    // Re-indexing the first article keeps it the head of its group.
    indexer::IndexOptions force = options;
    force.force = true;
    indexer::index_inputs(dir / "db", {dir / "run1"}, {}, force, diagnostics);
    CHECK(collapse_of(Xapian::Database(dir / "db"), "first") == "Qfirst");
    CHECK(collapse_of(Xapian::Database(dir / "db"), "copy") == "Qfirst");
    CHECK(collapse_of(Xapian::Database(dir / "db"), "unrelated").empty());
}

TEST_CASE("a near-duplicate in the same batch gives the first article its key", "[fingerprint]") {
    const TempDir dir;
    const std::string edited = edited_story();
    dir.write("in/a.jsonl", record("first", k_story) + record("other", "A short unrelated note.") + record("copy", edited));
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    indexer::IndexOptions options;
    options.quiet = true;
    indexer::index_inputs(dir / "db", {dir / "in"}, {}, options, diagnostics);
    const Xapian::Database db(dir / "db");
    CHECK(collapse_of(db, "first") == "Qfirst");
    CHECK(collapse_of(db, "copy") == "Qfirst");
    CHECK(collapse_of(db, "other").empty());
}

TEST_CASE("the finder keeps memory bounded and then finds committed articles in the database", "[fingerprint]") {
    const TempDir dir;
    Xapian::WritableDatabase db(dir / "db", Xapian::DB_CREATE_OR_OPEN);
    indexer::NearDuplicateFinder finder(dir / "db", /*memory_limit=*/2);
    auto make = [](std::uint64_t simhash, std::uint32_t band) {
        indexer::Fingerprint fp;
        fp.simhash = simhash;
        fp.bands.fill(band);
        return fp;
    };
    const auto a = make(0x0f0f0f0f0f0f0f0fULL, 1);
    const auto b = make(0x123456789abcdef0ULL, 2);
    const auto c = make(0xfedcba9876543210ULL, 3);
    for (auto [fp, id] : {std::pair{a, "a"}, std::pair{b, "b"}, std::pair{c, "c"}}) {
        CHECK(finder.find(fp).empty());
        Xapian::Document doc;
        indexer::add_fingerprint(doc, fp);
        doc.add_value(schema::k_slot_collapse, std::string("Q") + id);
        db.add_document(doc);
        finder.add(fp, std::string("Q") + id);
    }
    // In memory, a shared band and a near simhash make a near-duplicate.
    CHECK(finder.find(make(a.simhash ^ 0x7, 1)) == "Qa");
    CHECK(finder.find(make(a.simhash ^ 0x7, 9)).empty());                      // no band shared
    CHECK(finder.find(make(~a.simhash, 1)).empty());                           // band shared, text far
    db.commit();
    finder.committed(db.get_lastdocid());  // over the limit: memory is cleared
    CHECK(finder.find(make(a.simhash ^ 0x3, 1)) == "Qa");  // found in the database
    CHECK(finder.find(make(c.simhash ^ 0x100000000ULL, 3)) == "Qc");
    CHECK(finder.find(make(~a.simhash, 1)).empty());
}

TEST_CASE("sync deleting a group's first article leaves its copies grouped, as delete does", "[fingerprint][sync]") {
    const TempDir dir;
    dir.write("in/a.jsonl", record("first", k_story) + record("copy", edited_story()));
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    indexer::IndexOptions options;
    options.quiet = true;
    options.sync = true;
    indexer::index_inputs(dir / "db", {dir / "in"}, {}, options, diagnostics);
    REQUIRE(collapse_of(Xapian::Database(dir / "db"), "copy") == "Qfirst");
    dir.write("in/a.jsonl", record("copy", edited_story()));
    const indexer::IndexSummary run = indexer::index_inputs(dir / "db", {dir / "in"}, {}, options, diagnostics);
    CHECK(run.articles_deleted == 1);
    // The key stays a plain group name: a later near-duplicate still joins the copy's group.
    CHECK(collapse_of(Xapian::Database(dir / "db"), "copy") == "Qfirst");
    std::string third(k_story);
    third.replace(third.find("Tuesday"), 7, "Wednesday");
    dir.write("in/b.jsonl", record("third", third));
    indexer::index_inputs(dir / "db", {dir / "in"}, {}, options, diagnostics);
    CHECK(collapse_of(Xapian::Database(dir / "db"), "third") == "Qfirst");
    CHECK(Xapian::Database(dir / "db").get_doccount() == 2);
}
