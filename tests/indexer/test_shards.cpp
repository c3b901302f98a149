// Sharded indexes: dateline-index --shards N, stub databases, routing by id, incremental runs, --sync,
// the server's write path, near-duplicate groups spanning shards, compaction and merging.
#include "indexer/compaction.hpp"
#include "indexer/diagnostics.hpp"
#include "indexer/index_writer.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"
#include "common/shard_layout.hpp"

#include "tests/run_program.hpp"
#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <sstream>

using namespace dateline;
using dateline::testing::TempDir;
namespace schema = common::schema;

namespace {

const std::string k_corpus = DATELINE_SAMPLE_CORPUS;
/// Two near-duplicate wire stories of the sample corpus (one group).
const std::string k_wire = "Qen-2024-wire-putin-kim-treaty";
const std::string k_wire_copy = "Qen-2024-wire-putin-kim-treaty-v2";

indexer::IndexSummary index(const std::string& db, const std::vector<std::string>& inputs, std::size_t shards, bool sync = false) {
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    indexer::IndexOptions options;
    options.quiet = true;
    options.shards = shards;
    options.sync = sync;
    options.batch_size = 7;  // several commits per shard
    return indexer::index_inputs(db, inputs, {}, options, diagnostics);
}

/// id term -> collapse key of every document of a (possibly combined) database.
std::map<std::string, std::string> collapse_keys(const Xapian::Database& db) {
    std::map<std::string, std::string> out;
    const std::string prefix(schema::k_prefix_id);
    for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
        REQUIRE(t.get_termfreq() == 1);
        out[*t] = db.get_document(*db.postlist_begin(*t)).get_value(schema::k_slot_collapse);
    }
    return out;
}

/// The smallest shard count that puts the two wire stories on different shards.
std::size_t spanning_shard_count() {
    for (std::size_t n = 2; n <= 8; ++n) {
        if (common::shard_of(k_wire, n) != common::shard_of(k_wire_copy, n)) return n;
    }
    FAIL("no shard count up to 8 separates the wire pair");
    return 0;
}

std::string jsonl(std::initializer_list<const char*> ids) {
    std::string text;
    for (const char* id : ids) {
        nlohmann::json j;
        j["id"] = id;
        j["title"] = std::string("Harbour story ") + id;
        j["body"] = std::string("The harbour of Port Louis reopened on Monday, story ") + id + ".";
        j["lang"] = "en";
        text += j.dump() + "\n";
    }
    return text;
}

std::size_t doccount(const std::string& db) { return Xapian::Database(db).get_doccount(); }

}  // namespace

TEST_CASE("a sharded index holds one database's articles, each in its id's shard, with the same near-duplicate groups", "[shards]") {
    TempDir dir("dateline-shards-layout");
    const std::size_t n = spanning_shard_count();
    index(dir / "one", {k_corpus}, 1);
    const auto summary = index(dir / "many", {k_corpus}, n);
    CHECK(summary.errors == 0);
    REQUIRE(std::filesystem::is_regular_file(dir / "many/XAPIANDB"));
    const std::vector<std::string> shards = common::read_stub(dir / "many/XAPIANDB");
    REQUIRE(shards.size() == n);
    CHECK(shards[0] == dir / "many/shard-000");

    // Xapian opens the directory as one database; dateline's keys are those of the single database.
    const Xapian::Database one(dir / "one");
    const Xapian::Database many(dir / "many");
    CHECK(many.get_doccount() == one.get_doccount());
    const auto keys = collapse_keys(many);
    CHECK(keys == collapse_keys(one));
    // The pair spans two shards and still forms one group.
    CHECK(keys.at(k_wire) == k_wire);
    CHECK(keys.at(k_wire_copy) == k_wire);
    // Every article carries the sample term of its group (its own id term when alone): groups are sampled whole.
    for (const auto& [id_term, key] : keys) {
        const Xapian::Document doc = many.get_document(*many.postlist_begin(id_term));
        const std::string expected = schema::sample_term(key.empty() ? id_term : key);
        auto t = doc.termlist_begin();
        t.skip_to(std::string(schema::k_prefix_sample));
        REQUIRE(t != doc.termlist_end());
        CHECK(*t == expected);
    }
    CHECK(schema::sample_term(k_wire) == schema::sample_term(keys.at(k_wire_copy)));

    for (std::size_t s = 0; s < n; ++s) {
        const Xapian::Database shard(shards[s]);
        INFO("shard " << s);
        CHECK(shard.get_doccount() > 0);
        // Every shard carries the analysis settings and layout version that readers check.
        CHECK(shard.get_metadata(std::string(schema::k_meta_version)) == std::to_string(schema::k_index_version));
        CHECK(shard.get_metadata(std::string(schema::k_meta_analysis)) == one.get_metadata(std::string(schema::k_meta_analysis)));
        for (const auto& [id_term, key] : collapse_keys(shard)) CHECK(common::shard_of(id_term, n) == s);
    }
}

TEST_CASE("a sharded index: unchanged files are skipped, changed ones replace in place, --sync deletes across shards", "[shards]") {
    TempDir dir("dateline-shards-incremental");
    const std::string db = dir / "db";
    const std::string file = dir.write("in/a.jsonl", jsonl({"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"}));
    CHECK(index(db, {dir / "in"}, 3).articles_indexed == 8);
    CHECK(doccount(db) == 8);

    auto again = index(db, {dir / "in"}, 0);
    CHECK(again.articles_indexed == 0);
    CHECK(again.files_unchanged == 1);

    // Fewer articles, one changed: replaced where they are, the dropped ones kept without --sync...
    std::filesystem::last_write_time(file, std::filesystem::last_write_time(file) - std::chrono::seconds(10));
    dir.write("in/a.jsonl", jsonl({"a1", "a2", "a3", "a4", "a5", "a9"}));
    CHECK(index(db, {dir / "in"}, 3).articles_indexed == 6);
    CHECK(doccount(db) == 9);
    // ...and deleted with it, from whichever shard holds them.
    const auto synced = index(db, {dir / "in"}, 3, true);
    CHECK(synced.articles_deleted == 3);
    REQUIRE(synced.deletions.size() == 1);
    CHECK(synced.deletions[0].count == 3);
    CHECK(doccount(db) == 6);
    const Xapian::Database all(db);
    for (const char* gone : {"a6", "a7", "a8"}) CHECK_FALSE(all.term_exists(schema::id_term(gone)));
    CHECK(all.term_exists(schema::id_term("a9")));

    // A vanished file loses its articles in every shard.
    std::filesystem::remove(file);
    const auto vanished = index(db, {dir / "in"}, 0, true);
    CHECK(vanished.files_vanished == 1);
    CHECK(vanished.articles_deleted == 6);
    CHECK(doccount(db) == 0);
}

TEST_CASE("the server's write path and deletes route to the shards of a sharded index", "[shards]") {
    TempDir dir("dateline-shards-writes");
    const std::string db = dir / "db";
    index(db, {dir.write("a.jsonl", jsonl({"x1", "x2", "x3"}))}, 4);
    std::vector<common::Article> articles;
    for (const char* id : {"w1", "w2", "w3", "w4", "w5", "x1"}) {
        common::Article a;
        a.id = id;
        a.title = std::string("Written ") + id;
        a.body = "A story the newsroom wrote.";
        a.lang = common::Lang::en;
        articles.push_back(a);
    }
    CHECK(indexer::write_articles(db, articles) == 6);
    CHECK(doccount(db) == 8);  // x1 replaced
    const std::vector<std::string> shards = indexer::writable_shards(db, 0);
    REQUIRE(shards.size() == 4);
    for (std::size_t s = 0; s < shards.size(); ++s) {
        for (const auto& [id_term, key] : collapse_keys(Xapian::Database(shards[s]))) CHECK(common::shard_of(id_term, 4) == s);
    }
    CHECK(indexer::delete_articles(db, {"w1", "x2", "nope"}) == 2);
    CHECK(doccount(db) == 6);
    CHECK_FALSE(Xapian::Database(db).term_exists(schema::id_term("w1")));
}

TEST_CASE("the shard count of an index is fixed when it is created", "[shards]") {
    TempDir dir("dateline-shards-count");
    index(dir / "sharded", {dir.write("a.jsonl", jsonl({"s1", "s2"}))}, 3);
    index(dir / "single", {dir / "a.jsonl"}, 1);
    CHECK_THROWS_WITH(indexer::writable_shards(dir / "sharded", 2),
                      Catch::StartsWith("index '" + (dir / "sharded") + "' has 3 shards, not 2: articles are routed by their id"));
    CHECK_THROWS_AS(indexer::writable_shards(dir / "sharded", 2), common::UsageError);
    CHECK_THROWS_WITH(indexer::writable_shards(dir / "single", 2),
                      Catch::StartsWith("index '" + (dir / "single") + "' is a single database; --shards 2 needs a new directory"));
    CHECK_THROWS_WITH(indexer::writable_shards(dir / "new", 65), "--shards 65 is too many; at most 64");
    CHECK(indexer::writable_shards(dir / "single", 1) == std::vector<std::string>{dir / "single"});
    CHECK_THROWS_WITH(indexer::open_writable_index(dir / "sharded"), Catch::Contains("has 3 shards: open each shard for writing"));
    // A stub naming a remote shard is read-only.
    dir.write("remote/XAPIANDB", "remote 127.0.0.1:33333\n");
    CHECK_THROWS_WITH(indexer::writable_shards(dir / "remote", 0), Catch::Contains("lists the remote shard 'tcp:127.0.0.1:33333'"));
}

TEST_CASE("stub files: local and remote shards, errors name the file and line", "[shards]") {
    TempDir dir("dateline-shards-stub");
    const std::string stub = dir.write("cluster.stub", "# three shards\n\nauto a\nglass /srv/b\nremote 10.0.0.7:4000\n");
    CHECK(common::read_stub(stub) == std::vector<std::string>{dir / "a", "/srv/b", "tcp:10.0.0.7:4000"});
    CHECK(common::stub_file_of(stub) == stub);
    CHECK(common::stub_file_of(dir / "nothing").empty());
    CHECK_THROWS_WITH(common::read_stub(dir.write("bad.stub", "auto a\ninmemory x\n")),
                      dir / "bad.stub" + ":2: unknown database type 'inmemory'; expected one of: auto, glass, chert, remote");
    CHECK_THROWS_WITH(common::read_stub(dir.write("prog.stub", "remote :xapian-progsrv /db\n")),
                      Catch::StartsWith(dir / "prog.stub" + ":1: remote program shards"));
    CHECK_THROWS_WITH(common::read_stub(dir.write("bare.stub", "auto\n")), dir / "bare.stub" + ":1: 'auto' names no database; expected 'auto PATH' or 'remote HOST:PORT'");
    CHECK_THROWS_WITH(common::read_stub(dir.write("empty.stub", "# nothing\n")), "stub database '" + (dir / "empty.stub") + "' lists no shard");
    CHECK_THROWS_AS(common::read_stub(dir / "missing.stub"), common::EnvironmentError);
}

TEST_CASE("compact: shards compacted in place, or merged into one database", "[shards]") {
    TempDir dir("dateline-shards-compact");
    const std::string db = dir / "db";
    index(db, {k_corpus}, spanning_shard_count());
    const auto keys = collapse_keys(Xapian::Database(db));
    const auto compacted = indexer::compact_in_place(db);
    CHECK(compacted.shards == spanning_shard_count());
    CHECK(compacted.documents == keys.size());
    CHECK(collapse_keys(Xapian::Database(db)) == keys);
    // Still writable afterwards: a re-run finds every file unchanged.
    CHECK(index(db, {k_corpus}, 0).articles_indexed == 0);

    const auto merged = indexer::merge_shards(db, dir / "merged");
    CHECK(merged.documents == keys.size());
    CHECK_FALSE(std::filesystem::exists(dir / "merged/XAPIANDB"));
    CHECK(collapse_keys(Xapian::Database(dir / "merged")) == keys);
    CHECK(index(dir / "merged", {k_corpus}, 0).articles_indexed == 0);
    CHECK_THROWS_WITH(indexer::merge_shards(db, dir / "merged"), "'" + (dir / "merged") + "' exists; name a new directory for the merged index");
}

TEST_CASE("dateline-index --shards and compact on the command line", "[shards][cli]") {
    TempDir dir("dateline-shards-cli");
    const std::string input = dir.write("a.jsonl", jsonl({"c1", "c2", "c3", "c4"}));
    auto run = testing::run_program(DATELINE_INDEX_BIN, {"--db", dir / "db", "--shards", "3", "--quiet", input});
    CHECK(run.status == 0);
    CHECK(common::read_stub(dir / "db/XAPIANDB").size() == 3);
    CHECK(doccount(dir / "db") == 4);
    run = testing::run_program(DATELINE_INDEX_BIN, {"--db", dir / "db", "--shards", "2", input});
    CHECK(run.status == 2);
    CHECK_THAT(run.out, Catch::Contains("dateline-index: index '" + (dir / "db") + "' has 3 shards, not 2"));
    run = testing::run_program(DATELINE_INDEX_BIN, {"--db", dir / "db", "--shards", "100", input});
    CHECK(run.status == 2);
    CHECK_THAT(run.out, Catch::Contains("--shards 100 is too many; at most 64"));
    // Without --shards a new index gets one shard per core (at most 4): a stub whenever there are 2 cores or more.
    run = testing::run_program(DATELINE_INDEX_BIN, {"--db", dir / "auto", "--quiet", input});
    CHECK(run.status == 0);
    CHECK(doccount(dir / "auto") == 4);
    // And --shards 1 is one database, as before.
    run = testing::run_program(DATELINE_INDEX_BIN, {"--db", dir / "single", "--shards", "1", "--quiet", input});
    CHECK(run.status == 0);
    CHECK(std::filesystem::exists(dir / "single/iamglass"));

    run = testing::run_program(DATELINE_INDEX_BIN, {"compact", "--db", dir / "db"});
    CHECK(run.status == 0);
    CHECK_THAT(run.out, Catch::StartsWith("compacted 3 shards (4 articles)"));
    run = testing::run_program(DATELINE_INDEX_BIN, {"compact", "--db", dir / "db", "--out", dir / "merged"});
    CHECK(run.status == 0);
    CHECK_THAT(run.out, Catch::StartsWith("merged 3 shards (4 articles)"));
    CHECK(doccount(dir / "merged") == 4);
    run = testing::run_program(DATELINE_INDEX_BIN, {"compact"});
    CHECK(run.status == 2);
    CHECK_THAT(run.out, Catch::Contains("missing --db DIR: the index to compact"));
    run = testing::run_program(DATELINE_INDEX_BIN, {"compact", "--db", dir / "missing"});
    CHECK(run.status == 1);
}
