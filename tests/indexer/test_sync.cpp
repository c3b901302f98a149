// dateline-index --sync: the index mirrors the inputs read again; the default run only adds and replaces.
#include "indexer/diagnostics.hpp"
#include "indexer/index_writer.hpp"

#include "common/schema.hpp"

#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <set>
#include <sstream>

using namespace dateline;
using dateline::testing::TempDir;
namespace schema = common::schema;

namespace {

/// One JSON Lines record.
std::string record(const std::string& id) {
    nlohmann::json j;
    j["id"] = id;
    j["title"] = "Harbour story " + id;
    j["body"] = "The harbour of Port Louis reopened on Monday, story " + id + ".";
    j["lang"] = "en";
    return j.dump() + "\n";
}

std::string records(std::initializer_list<const char*> ids) {
    std::string text;
    for (const char* id : ids) text += record(id);
    return text;
}

struct Run {
    indexer::IndexSummary summary;
    std::string messages;
};

Run index(const TempDir& dir, const std::vector<std::string>& inputs, bool sync, bool force = false,
          const std::atomic<bool>* cancel = nullptr, std::ostream* out = nullptr) {
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(out ? *out : messages);
    indexer::IndexOptions options;
    options.quiet = true;
    options.sync = sync;
    options.force = force;
    options.batch_size = 2;  // deletions and records span several commits
    options.max_reported_ids = 2;
    options.cancel = cancel;
    Run run;
    run.summary = indexer::index_inputs(dir / "db", inputs, {}, options, diagnostics);
    run.messages = messages.str();
    return run;
}

std::set<std::string> ids(const TempDir& dir) {
    const Xapian::Database db(dir / "db");
    std::set<std::string> found;
    const std::string prefix(schema::k_prefix_id);
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
        found.insert((*it).substr(schema::k_prefix_id.size()));
    }
    return found;
}

std::string file_record(const TempDir& dir, const std::string& path) {
    const Xapian::Database db(dir / "db");
    return db.get_metadata(std::string(schema::k_meta_file_prefix) + std::filesystem::canonical(path).string());
}

/// A stream buffer that raises a flag at its first character: stops a run at its first message.
class StopOnMessage : public std::streambuf {
  public:
    explicit StopOnMessage(std::atomic<bool>& flag) : m_flag(flag) {}

  protected:
    int overflow(int c) override {
        m_flag = true;
        return c;
    }

  private:
    std::atomic<bool>& m_flag;
};

using Ids = std::set<std::string>;

}  // namespace

TEST_CASE("sync deletes the records a re-read file no longer holds, the default run keeps them", "[sync]") {
    const TempDir dir;
    const std::string export_file = dir.write("in/export.jsonl", records({"a1", "a2", "a3", "a4", "a5"}));
    index(dir, {dir / "in"}, false);
    dir.write("in/export.jsonl", records({"a1", "a3"}));

    SECTION("without --sync, the run adds and replaces only") {
        const Run run = index(dir, {dir / "in"}, false);
        CHECK(run.summary.files_read == 1);
        CHECK(run.summary.articles_deleted == 0);
        CHECK(run.summary.deletions.empty());
        CHECK(ids(dir) == Ids{"a1", "a2", "a3", "a4", "a5"});
        // Its record says it lost articles: runs without --sync skip it, the next run with --sync reads it.
        CHECK(index(dir, {dir / "in"}, false).summary.files_unchanged == 1);
        const Run synced = index(dir, {dir / "in"}, true);
        CHECK(synced.summary.files_read == 1);
        CHECK(synced.summary.articles_deleted == 3);
        CHECK(ids(dir) == Ids{"a1", "a3"});
        CHECK(index(dir, {dir / "in"}, true).summary.files_unchanged == 1);
    }
    SECTION("with --sync, the articles gone from the file are deleted, reported and counted") {
        const Run run = index(dir, {dir / "in"}, true);
        CHECK(ids(dir) == Ids{"a1", "a3"});
        CHECK(run.summary.articles_indexed == 2);
        CHECK(run.summary.articles_deleted == 3);
        CHECK(run.summary.files_vanished == 0);
        REQUIRE(run.summary.deletions.size() == 1);
        const indexer::FileDeletions& d = run.summary.deletions[0];
        CHECK(d.file == export_file);
        CHECK_FALSE(d.vanished);
        CHECK(d.count == 3);
        // The first max_reported_ids of them, in document order.
        CHECK(d.ids == std::vector<std::string>{"a2", "a4"});
        // The file is recorded once synced: the next run skips it and deletes nothing.
        CHECK_FALSE(file_record(dir, export_file).empty());
        const Run again = index(dir, {dir / "in"}, true);
        CHECK(again.summary.files_unchanged == 1);
        CHECK(again.summary.articles_deleted == 0);
    }
}

TEST_CASE("sync leaves the articles of unchanged files alone", "[sync]") {
    const TempDir dir;
    dir.write("in/a.jsonl", records({"a1", "a2"}));
    dir.write("in/b.jsonl", records({"b1", "b2"}));
    index(dir, {dir / "in"}, false);
    // b.jsonl loses b2 with its record and mtime kept: it is skipped as unchanged, its articles too.
    const std::string b = dir / "in/b.jsonl";
    const auto mtime = std::filesystem::last_write_time(b);
    dir.write("in/b.jsonl", records({"b1", "b9"}));
    std::filesystem::last_write_time(b, mtime);
    dir.write("in/a.jsonl", records({"a1", "a2", "a3"}));
    const Run run = index(dir, {dir / "in"}, true);
    CHECK(run.summary.files_read == 1);
    CHECK(run.summary.files_unchanged == 1);
    CHECK(run.summary.articles_deleted == 0);
    CHECK(ids(dir) == Ids{"a1", "a2", "a3", "b1", "b2"});
}

TEST_CASE("sync keeps an id that moved to another file, read before or after the old one", "[sync]") {
    const TempDir dir;
    dir.write("in/a.jsonl", records({"a1"}));
    dir.write("in/b.jsonl", records({"b1", "moved"}));
    dir.write("in/c.jsonl", records({"c1"}));
    index(dir, {dir / "in"}, false);
    // Files are read in name order: a, b, c.
    dir.write("in/b.jsonl", records({"b1"}));

    SECTION("to a file read later in the same run") {
        dir.write("in/c.jsonl", records({"c1", "moved"}));
        const Run run = index(dir, {dir / "in"}, true);
        CHECK(run.summary.articles_deleted == 0);
        CHECK(ids(dir) == Ids{"a1", "b1", "c1", "moved"});
    }
    SECTION("to a file read earlier in the same run") {
        dir.write("in/a.jsonl", records({"a1", "moved"}));
        const Run run = index(dir, {dir / "in"}, true);
        CHECK(run.summary.articles_deleted == 0);
        CHECK(ids(dir) == Ids{"a1", "b1", "c1", "moved"});
    }
    SECTION("to a file of an earlier run: it belongs to that file now") {
        dir.write("in/c.jsonl", records({"c1", "moved"}));
        index(dir, {dir / "in/c.jsonl"}, false);
        const Run run = index(dir, {dir / "in/b.jsonl"}, true);
        CHECK(run.summary.articles_deleted == 0);
        CHECK(ids(dir) == Ids{"a1", "b1", "c1", "moved"});
        // And leaving its new file deletes it.
        dir.write("in/c.jsonl", records({"c1"}));
        CHECK(index(dir, {dir / "in"}, true).summary.articles_deleted == 1);
        CHECK(ids(dir) == Ids{"a1", "b1", "c1"});
    }
}

TEST_CASE("sync deletes the articles of files that vanished from a directory input", "[sync]") {
    const TempDir dir;
    dir.write("in/a.jsonl", records({"a1"}));
    const std::string gone = dir.write("in/sub/gone.jsonl", records({"g1", "g2", "g3"}));
    // Named on its own: a directory input skips .md files, so later runs over the directory do not read it.
    const std::string kept = dir.write("in/kept.md", records({"k1"}));
    index(dir, {dir / "in", kept}, false);
    const std::string gone_path = std::filesystem::canonical(gone).string();
    std::filesystem::remove(gone);

    SECTION("named as a file, the directory's other files are not the run's concern") {
        const Run run = index(dir, {dir / "in/a.jsonl"}, true, true);
        CHECK(run.summary.files_vanished == 0);
        CHECK(ids(dir) == Ids{"a1", "g1", "g2", "g3", "k1"});
    }
    SECTION("without --sync, nothing is deleted") {
        const Run run = index(dir, {dir / "in"}, false);
        CHECK(run.summary.files_vanished == 0);
        CHECK(ids(dir) == Ids{"a1", "g1", "g2", "g3", "k1"});
    }
    SECTION("with --sync, its articles and its record go, not those of a file still there but not read") {
        const Run run = index(dir, {dir / "in"}, true);
        CHECK(run.summary.files_read == 0);
        CHECK(run.summary.files_unchanged == 1);
        CHECK(run.summary.files_vanished == 1);
        CHECK(run.summary.articles_deleted == 3);
        REQUIRE(run.summary.deletions.size() == 1);
        CHECK(run.summary.deletions[0].file == gone_path);
        CHECK(run.summary.deletions[0].vanished);
        CHECK(run.summary.deletions[0].count == 3);
        CHECK(run.summary.deletions[0].ids.size() == 2);
        CHECK(ids(dir) == Ids{"a1", "k1"});
        const Xapian::Database db(dir / "db");
        CHECK(db.get_metadata(std::string(schema::k_meta_file_prefix) + gone_path).empty());
        CHECK(db.get_termfreq(schema::origin_term(gone_path)) == 0);
        CHECK(index(dir, {dir / "in"}, true).summary.files_vanished == 0);
    }
}

TEST_CASE("sync keeps the articles of a file whose records could not all be read", "[sync][bad-input]") {
    const TempDir dir;
    const std::string file = dir.write("in/a.jsonl", records({"a1", "a2", "a3"}));
    index(dir, {dir / "in"}, false);
    // a2's line is now cut short: the export may still hold it, so nothing of the file is deleted.
    dir.write("in/a.jsonl", record("a1") + "{\"id\":\"a2\",\"title\":\n");
    std::ostringstream out;
    const Run run = index(dir, {dir / "in"}, true, false, nullptr, &out);
    CHECK(run.summary.errors == 1);
    CHECK(run.summary.articles_deleted == 0);
    CHECK(ids(dir) == Ids{"a1", "a2", "a3"});
    CHECK_THAT(out.str(), Catch::Contains(file + ": warning: 2 articles indexed from it before are not in it now; --sync keeps "
                                                 "them, since 1 of its records could not be read"));
}

TEST_CASE("an interrupted sync deletes nothing and leaves the file to be read again", "[sync]") {
    const TempDir dir;
    const std::string a = dir.write("in/a.jsonl", records({"a1", "a2", "a3"}));
    dir.write("in/b.jsonl", records({"b1"}));
    index(dir, {dir / "in"}, false);
    const std::string recorded = file_record(dir, a);
    dir.write("in/a.jsonl", records({"a1"}));
    // b.jsonl's bad date prints a warning once a.jsonl was read whole; the warning stops the run.
    dir.write("in/b.jsonl", "{\"id\":\"b1\",\"title\":\"t\",\"body\":\"b\",\"date\":\"someday\"}\n" + record("b2"));
    std::atomic<bool> stop{false};
    StopOnMessage stopper(stop);
    std::ostream out(&stopper);
    indexer::Diagnostics diagnostics(out);
    indexer::IndexOptions options;
    options.sync = true;
    options.quiet = true;
    options.threads = 1;
    options.cancel = &stop;
    const indexer::IndexSummary stopped = indexer::index_inputs(dir / "db", {dir / "in"}, {}, options, diagnostics);
    CHECK(stopped.interrupted);
    CHECK(stopped.articles_deleted == 0);
    CHECK(ids(dir).count("a2") == 1);
    // a.jsonl was read, but its record (size and mtime) waits for its deletions: the next run reads it again.
    CHECK(file_record(dir, a) == recorded);
    const Run run = index(dir, {dir / "in"}, true);
    CHECK(run.summary.articles_deleted == 2);
    CHECK(ids(dir) == Ids{"a1", "b1", "b2"});
    CHECK(file_record(dir, a) != recorded);
}

TEST_CASE("articles from standard input or the CMS routes carry no origin and are never synced away", "[sync]") {
    const TempDir dir;
    dir.write("in/a.jsonl", records({"a1", "a2"}));
    index(dir, {dir / "in"}, false);
    std::vector<common::Article> articles(1);
    articles[0].id = "a2";
    articles[0].title = "Edited in the CMS";
    articles[0].body = "The harbour reopened.";
    indexer::write_articles(dir / "db", articles);
    dir.write("in/a.jsonl", records({"a1"}));
    CHECK(index(dir, {dir / "in"}, true).summary.articles_deleted == 0);
    CHECK(ids(dir) == Ids{"a1", "a2"});
}
