// ReaderPool: the server's own writes never overwrite the index revision a search is reading.
#include "server/http_index.hpp"

#include "common/schema.hpp"
#include "indexer/index_writer.hpp"

#include "tests/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <xapian.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

using dateline::server::ArticleWriter;
using dateline::server::ReaderPool;

namespace {

std::string article_json(int n) {
    return R"({"id": "a)" + std::to_string(n) + R"(", "title": "Harbour works, part )" + std::to_string(n) +
           R"(", "body": "The harbour of Port Louis reopened on Monday after works on quay )" + std::to_string(n) +
           R"(.", "date": "2026-04-12", "lang": "en", "source": "islandpost"})";
}

/// Reads every term, posting list and document of `db`'s revision: what a search may touch.
Xapian::doccount read_everything(const Xapian::Database& db) {
    Xapian::doccount postings = 0;
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
        for (auto p = db.postlist_begin(*t); p != db.postlist_end(*t); ++p) {
            ++postings;
            (void)db.get_document(*p).get_data();
        }
    }
    return postings;
}

}  // namespace

TEST_CASE("a search in progress is never overtaken by the server's writes", "[index][writes]") {
    // A glass reader survives one commit after its revision, not two: before ReaderPool::write, three API
    // writes during one search made it fail with DatabaseModifiedError (503 under load, issue 19.6).
    const dateline::testing::TempDir dir("dateline-reader-pool");
    const std::string path = dir / "db";
    ArticleWriter writer(path);
    std::string lines;
    for (int n = 0; n < 200; ++n) lines += article_json(n) + "\n";
    REQUIRE(writer.put_lines(lines).indexed == 200);

    ReaderPool pool({path}, {}, std::chrono::hours(1));
    std::atomic<int> writes_done{0};
    std::thread writes;
    {
        const ReaderPool::Lease lease = pool.lease();
        const Xapian::Database& db = lease.searcher().index().database;
        const Xapian::doccount before = read_everything(db);
        writes = std::thread([&] {
            for (int n = 200; n < 203; ++n) {
                pool.write([&] { writer.put("a" + std::to_string(n), article_json(n)); });
                ++writes_done;
            }
        });
        // The first write does not touch this revision; the second waits for this search to end.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (writes_done < 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        CHECK(writes_done == 1);
        CHECK(read_everything(db) == before);
        CHECK(db.get_doccount() == 200);
    }
    writes.join();
    CHECK(writes_done == 3);
    // The next search sees every write.
    const ReaderPool::Lease lease = pool.lease();
    CHECK(lease.searcher().index().database.get_doccount() == 203);
}

TEST_CASE("searches started during a write read the newest commit", "[index][writes]") {
    const dateline::testing::TempDir dir("dateline-reader-pool");
    const std::string path = dir / "db";
    ArticleWriter writer(path);
    writer.put("a0", article_json(0));
    ReaderPool pool({path}, {}, std::chrono::hours(1));
    (void)pool.lease();
    writer.put("a1", article_json(1));
    // A write by another process is seen at the next reopen; the pool's own writes at once.
    pool.write([&] { writer.put("a2", article_json(2)); });
    const ReaderPool::Lease lease = pool.lease();
    CHECK(lease.searcher().index().database.get_doccount() == 3);
}

TEST_CASE("a reader sees the shard of a new year added to an index sharded by year, without a restart", "[index][writes][shards]") {
    const dateline::testing::TempDir dir("dateline-reader-pool-years");
    const std::string path = dir / "db";
    // Created sharded by year (the shard of undated articles, then 2026's), as dateline-index --shard-by year does.
    dateline::indexer::ArticleWriter(path, 0, dateline::common::ShardKey::year).finish();
    ArticleWriter writer(path);
    writer.put("a0", article_json(0));
    ReaderPool pool({path}, {}, std::chrono::milliseconds(0));
    CHECK(pool.lease().searcher().index().shards.size() == 2);
    // Another process writes an article of a year the index has no shard for: the stub lists a third shard.
    std::string older = article_json(1);
    older.replace(older.find("2026-04-12"), 10, "2019-04-12");
    writer.put("a1", older);
    const ReaderPool::Lease lease = pool.lease();
    CHECK(lease.searcher().index().shards.size() == 3);
    CHECK(lease.searcher().index().database.get_doccount() == 2);
    CHECK(lease.searcher().index().database.term_exists(dateline::common::schema::id_term("a1")));
}
