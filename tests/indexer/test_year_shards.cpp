// Indexes sharded by year (dateline-index --shard-by year): a shard per year created as its first article
// comes, incremental runs across new years, articles whose date changed, the write path, compaction once.
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
#include <set>
#include <sstream>

using namespace dateline;
using dateline::testing::TempDir;
namespace schema = common::schema;

namespace {

const std::string k_corpus = DATELINE_SAMPLE_CORPUS;

indexer::IndexSummary index(const std::string& db, const std::vector<std::string>& inputs, std::optional<common::ShardKey> key,
                            bool sync = false, std::size_t shards = 0) {
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages);
    indexer::IndexOptions options;
    options.quiet = true;
    options.shards = shards;
    options.shard_key = key;
    options.sync = sync;
    options.batch_size = 3;  // several commits per shard
    return indexer::index_inputs(db, inputs, {}, options, diagnostics);
}

/// One JSON line per (id, date); an empty date leaves the article undated.
std::string jsonl(std::initializer_list<std::pair<const char*, const char*>> articles) {
    std::string text;
    for (const auto& [id, date] : articles) {
        nlohmann::json j;
        j["id"] = id;
        j["title"] = std::string("Harbour story ") + id;
        j["body"] = std::string("The harbour of Port Louis reopened on Monday after repairs, story ") + id + ".";
        j["lang"] = "en";
        if (*date) j["date"] = date;
        text += j.dump() + "\n";
    }
    return text;
}

/// Shard directory name -> ids (without the id prefix) it holds, from the stub of `db`.
std::map<std::string, std::set<std::string>> layout(const std::string& db) {
    std::map<std::string, std::set<std::string>> out;
    for (const std::string& shard : common::read_stub(db + "/XAPIANDB")) {
        auto& ids = out[std::filesystem::path(shard).filename().string()];
        const Xapian::Database d(shard);
        const std::string prefix(schema::k_prefix_id);
        for (auto t = d.allterms_begin(prefix); t != d.allterms_end(prefix); ++t) ids.insert((*t).substr(prefix.size()));
    }
    return out;
}

/// Every document of a database, by id term: its terms and values, to compare two layouts of one corpus.
std::map<std::string, std::pair<std::vector<std::string>, std::map<Xapian::valueno, std::string>>> contents(const Xapian::Database& db) {
    std::map<std::string, std::pair<std::vector<std::string>, std::map<Xapian::valueno, std::string>>> out;
    const std::string prefix(schema::k_prefix_id);
    for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
        REQUIRE(t.get_termfreq() == 1);
        const Xapian::Document doc = db.get_document(*db.postlist_begin(*t));
        auto& [terms, values] = out[*t];
        terms.assign(doc.termlist_begin(), doc.termlist_end());
        for (auto v = doc.values_begin(); v != doc.values_end(); ++v) values[v.get_valueno()] = *v;
    }
    return out;
}

}  // namespace

TEST_CASE("an index sharded by year: one shard per year, each holding its year's articles as one database would", "[shards][year]") {
    TempDir dir("dateline-year-layout");
    index(dir / "one", {k_corpus}, std::nullopt, false, 1);
    const auto summary = index(dir / "years", {k_corpus}, common::ShardKey::year);
    CHECK(summary.errors == 0);
    const std::vector<std::string> shards = common::read_stub(dir / "years/XAPIANDB");
    // The shard of undated articles comes first (it holds the run state); the years follow as they came.
    REQUIRE(shards.size() > 5);
    CHECK(shards.front() == dir / "years/undated");
    std::set<std::string> years;
    for (const std::string& shard : shards) {
        const Xapian::Database d(shard);
        const std::string year = d.get_metadata(std::string(schema::k_meta_shard_year));
        INFO(shard);
        CHECK(std::filesystem::path(shard).filename() == common::year_shard_directory_name(year));
        CHECK(years.insert(year).second);
        CHECK(d.get_metadata(std::string(schema::k_meta_version)) == std::to_string(schema::k_index_version));
        for (Xapian::PostingIterator p = d.postlist_begin(""); p != d.postlist_end(""); ++p) {
            const std::string value = d.get_document(*p).get_value(schema::k_slot_year);
            CHECK((value.empty() ? std::string(schema::k_shard_year_undated) : value) == year);
        }
    }
    CHECK(years.count("2024") == 1);
    // The same documents, terms and values (near-duplicate keys, group values, sample terms) as one database.
    const Xapian::Database one(dir / "one");
    const Xapian::Database many(dir / "years");
    CHECK(many.get_doccount() == one.get_doccount());
    const auto expected = contents(one);
    const auto actual = contents(many);
    REQUIRE(actual.size() == expected.size());
    for (const auto& [id_term, content] : expected) {
        INFO(id_term);
        REQUIRE(actual.count(id_term) == 1);
        CHECK(actual.at(id_term).first == content.first);
        for (const auto& [slot, value] : content.second) {
            INFO("value slot " << slot);
            CHECK(actual.at(id_term).second.count(slot) == 1);
            if (actual.at(id_term).second.count(slot)) CHECK(actual.at(id_term).second.at(slot) == value);
        }
        CHECK(actual.at(id_term).second.size() == content.second.size());
    }
    // A second run finds every file unchanged.
    CHECK(index(dir / "years", {k_corpus}, std::nullopt).files_unchanged == summary.files_read);
}

TEST_CASE("an index sharded by year: new years add shards, re-dated articles move, unchanged files stay unchanged", "[shards][year]") {
    TempDir dir("dateline-year-incremental");
    const std::string db = dir / "db";
    const std::string a = dir.write("in/a.jsonl", jsonl({{"a1", "2019-03-01"}, {"a2", "2020-05-06"}, {"a3", ""}}));
    CHECK(index(db, {dir / "in"}, common::ShardKey::year).articles_indexed == 3);
    using Ids = std::set<std::string>;
    CHECK(layout(db) == std::map<std::string, Ids>{{"undated", {"a3"}}, {"year-2019", {"a1"}}, {"year-2020", {"a2"}}});
    // A run with nothing to do stamps the first shard (when the index was last brought up to date), not the others.
    auto writes = [&](const char* shard) { return Xapian::Database(db + "/" + shard).get_metadata(std::string(schema::k_meta_writes)); };
    const std::string first_before = writes("undated");
    const std::string year_before = writes("year-2019");
    CHECK(index(db, {dir / "in"}, std::nullopt).files_unchanged == 1);
    CHECK(writes("undated") != first_before);
    CHECK(writes("year-2019") == year_before);

    // A file with a new year: its shard is added; a.jsonl, unchanged, is not read again, then or after.
    dir.write("in/b.jsonl", jsonl({{"b1", "2021-01-02"}}));
    auto run = index(db, {dir / "in"}, std::nullopt);
    CHECK(run.files_unchanged == 1);
    CHECK(run.articles_indexed == 1);
    CHECK(common::read_stub(db + "/XAPIANDB").back() == dir / "db/year-2021");
    run = index(db, {dir / "in"}, std::nullopt);
    CHECK(run.files_unchanged == 2);
    CHECK(run.articles_indexed == 0);

    // a1 re-dated 2021 leaves 2019's shard; c1 given twice in one run ends in its last year only.
    std::filesystem::last_write_time(a, std::filesystem::last_write_time(a) - std::chrono::seconds(10));
    dir.write("in/a.jsonl", jsonl({{"a1", "2021-07-08"}, {"a2", "2020-05-06"}, {"a3", ""}, {"c1", "2018-01-01"}, {"c1", "2022-02-02"}}));
    index(db, {dir / "in"}, std::nullopt);
    CHECK(layout(db) == std::map<std::string, Ids>{{"undated", {"a3"}},
                                                   {"year-2019", {}},
                                                   {"year-2020", {"a2"}},
                                                   {"year-2021", {"a1", "b1"}},
                                                   {"year-2018", {}},
                                                   {"year-2022", {"c1"}}});
    CHECK(Xapian::Database(db).get_doccount() == 5);
    // An article that moved back in a later run leaves the shard an earlier run put it in.
    std::filesystem::last_write_time(a, std::filesystem::last_write_time(a) - std::chrono::seconds(20));
    dir.write("in/a.jsonl", jsonl({{"a1", "2019-03-01"}, {"a2", "2020-05-06"}, {"a3", "2020-01-01"}}));
    const auto synced = index(db, {dir / "in"}, std::nullopt, true);
    CHECK(synced.articles_deleted == 1);  // c1, gone from the file
    CHECK(layout(db) == std::map<std::string, Ids>{{"undated", {}},
                                                   {"year-2019", {"a1"}},
                                                   {"year-2020", {"a2", "a3"}},
                                                   {"year-2021", {"b1"}},
                                                   {"year-2018", {}},
                                                   {"year-2022", {}}});
    CHECK(indexer::delete_articles(db, {"b1", "a2"}) == 2);
    CHECK(Xapian::Database(db).get_doccount() == 2);
}

TEST_CASE("an index sharded by year: the write path routes by year, compaction skips shards not written since", "[shards][year]") {
    TempDir dir("dateline-year-writes");
    const std::string db = dir / "db";
    index(db, {dir.write("a.jsonl", jsonl({{"x1", "2019-01-01"}, {"x2", "2020-01-01"}}))}, common::ShardKey::year);
    std::vector<common::Article> articles;
    for (const auto& [id, date] : {std::pair{"w1", 2023}, std::pair{"x1", 2020}}) {
        common::Article article;
        article.id = id;
        article.title = std::string("Written ") + id;
        article.body = "A story the newsroom wrote about the harbour.";
        article.lang = common::Lang::en;
        common::NewsDate published;
        published.year = date;
        published.month = 6;
        published.day = 1;
        article.date = published;
        articles.push_back(article);
    }
    CHECK(indexer::write_articles(db, articles) == 2);
    using Ids = std::set<std::string>;
    CHECK(layout(db) == std::map<std::string, Ids>{{"undated", {}}, {"year-2019", {}}, {"year-2020", {"x1", "x2"}}, {"year-2023", {"w1"}}});

    auto compacted = indexer::compact_in_place(db);
    CHECK(compacted.shards == 4);
    CHECK(compacted.unchanged == 0);
    CHECK(compacted.documents == 3);
    // Nothing written since: nothing to compact. Then only the shard written to is compacted again.
    compacted = indexer::compact_in_place(db);
    CHECK(compacted.shards == 0);
    CHECK(compacted.unchanged == 4);
    articles.resize(1);
    articles[0].body += " Updated.";
    indexer::write_articles(db, articles);
    compacted = indexer::compact_in_place(db);
    CHECK(compacted.shards == 2);  // year-2023 and the first shard, which holds the run state
    CHECK(compacted.unchanged == 2);
    CHECK(layout(db).at("year-2023") == Ids{"w1"});
}

TEST_CASE("the routing of an index is fixed when it is created", "[shards][year]") {
    TempDir dir("dateline-year-routing");
    const std::string input = dir.write("a.jsonl", jsonl({{"s1", "2019-01-01"}, {"s2", ""}}));
    index(dir / "years", {input}, common::ShardKey::year);
    index(dir / "ids", {input}, std::nullopt, false, 3);
    index(dir / "single", {input}, std::nullopt, false, 1);
    CHECK_THROWS_WITH(indexer::writable_shards(dir / "ids", 0, common::ShardKey::year),
                      Catch::StartsWith("index '" + (dir / "ids") + "' is sharded by id, not by year"));
    CHECK_THROWS_WITH(indexer::writable_shards(dir / "years", 0, common::ShardKey::id),
                      Catch::StartsWith("index '" + (dir / "years") + "' is sharded by year, not by id"));
    CHECK_THROWS_WITH(indexer::writable_shards(dir / "years", 2), Catch::StartsWith("index '" + (dir / "years") + "' is sharded by year"));
    CHECK_THROWS_AS(indexer::writable_shards(dir / "years", 2), common::UsageError);
    CHECK_THROWS_WITH(indexer::writable_shards(dir / "single", 0, common::ShardKey::year),
                      Catch::StartsWith("index '" + (dir / "single") + "' is a single database; --shard-by year needs a new directory"));
    CHECK_THROWS_WITH(indexer::writable_shards(dir / "new", 3, common::ShardKey::year), Catch::Contains("the years decide the shards"));
    CHECK(indexer::writable_shards(dir / "years", 0, common::ShardKey::year).size() == 2);
    CHECK_THROWS_WITH(indexer::parse_shard_key("month"), "--shard-by 'month': expected 'id' or 'year'");

    // A crash right after the stub of a new index was written: the shard it names is made and marked.
    dir.write("crashed/XAPIANDB", "auto undated\n");
    CHECK(index(dir / "crashed", {input}, std::nullopt).articles_indexed == 2);
    CHECK(common::read_stub(dir / "crashed/XAPIANDB") == std::vector<std::string>{dir / "crashed/undated", dir / "crashed/year-2019"});
    CHECK(Xapian::Database(dir / "crashed/undated").get_metadata(std::string(schema::k_meta_shard_year)) == "undated");
    // A crash while a year's shard was being made: a directory the stub does not list, without a database.
    dir.write("crashed2/XAPIANDB", "auto undated\n");
    dir.write("crashed2/year-2019/flintlock", "");
    dir.write("crashed2/year-2019/postlist.glass", "");
    CHECK(index(dir / "crashed2", {input}, std::nullopt).articles_indexed == 2);
    CHECK(layout(dir / "crashed2") == std::map<std::string, std::set<std::string>>{{"undated", {"s2"}}, {"year-2019", {"s1"}}});

    // On the command line.
    auto run = testing::run_program(DATELINE_INDEX_BIN, {"--db", dir / "cli", "--shard-by", "year", "--quiet", input});
    CHECK(run.status == 0);
    CHECK(common::read_stub(dir / "cli/XAPIANDB") == std::vector<std::string>{dir / "cli/undated", dir / "cli/year-2019"});
    run = testing::run_program(DATELINE_INDEX_BIN, {"--db", dir / "cli", "--shards", "2", input});
    CHECK(run.status == 2);
    CHECK_THAT(run.out, Catch::Contains("is sharded by year: the years decide its shards"));
    run = testing::run_program(DATELINE_INDEX_BIN, {"--db", dir / "other", "--shard-by", "day", input});
    CHECK(run.status == 2);
    CHECK_THAT(run.out, Catch::Contains("--shard-by 'day': expected 'id' or 'year'"));
    run = testing::run_program(DATELINE_INDEX_BIN, {"compact", "--db", dir / "cli"});
    CHECK(run.status == 0);
    run = testing::run_program(DATELINE_INDEX_BIN, {"compact", "--db", dir / "cli"});
    CHECK(run.status == 0);
    CHECK_THAT(run.out, Catch::Contains("compacted 0 shards (2 articles)"));
    CHECK_THAT(run.out, Catch::Contains("2 shards not written since their last compaction left as they were"));
}
