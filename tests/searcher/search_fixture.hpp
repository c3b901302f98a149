// Fixtures of the searcher tests: temporary directories, the sample corpus indexed once per test run,
// small hand-made indexes, and xapian-tcpsrv processes serving shards on loopback ports.
#pragma once

#include "indexer/document_builder.hpp"
#include "indexer/index_writer.hpp"
#include "searcher/searcher.hpp"

#include "common/article.hpp"
#include "common/dates.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/temp_dir.hpp"

namespace dateline::test {

/// The tests' one temporary directory (tests/temp_dir.hpp).
using TempDir = dateline::testing::TempDir;

/// Indexes `inputs` (files or directories) into a new database at `db` with dateline-index's pipeline.
void index_files(const std::string& db, const std::vector<std::string>& inputs);

/// Writes `articles` to the database at `db` through the indexer's write path (indexer::write_articles:
/// the index's analyzer, near-duplicates grouped, committed).
void index_articles(const std::string& db, std::vector<common::Article> articles);

/// The sample corpus (every format) indexed once for the whole test run.
const std::string& sample_db();
/// The sample corpus JSONL files, English and French, as two shards.
const std::string& sample_en_db();
const std::string& sample_fr_db();

/// A Searcher over sample_db(), made once per test run.
searcher::Searcher& sample_searcher();
/// The query that a search for `text` over the sample corpus runs.
searcher::BuiltQuery sample_query(const std::string& text);

/// An article for hand-made indexes.
common::Article make_article(std::string id, std::string title, std::string body, std::string date, common::Lang lang,
                             std::string source = "test", std::vector<common::ArticlePlaceRef> places = {});

/// Appends `count` articles about the weather ("other0", "other1"...; "Rain over the harbour" or "Il a plu
/// sur le port"), which hold none of a test's query words and keep those words rare.
void add_filler_articles(std::vector<common::Article>& articles, int count, const std::string& date, common::Lang lang = common::Lang::en);

/// A xapian-tcpsrv serving `db` read-only on a free loopback port; stopped on destruction.
class TcpServer {
  public:
    explicit TcpServer(const std::string& db);
    ~TcpServer();
    TcpServer(const TcpServer&) = delete;
    TcpServer& operator=(const TcpServer&) = delete;
    /// "tcp:127.0.0.1:PORT"
    std::string spec() const;
    /// "127.0.0.1:PORT", as a stub database's `remote` line names it.
    std::string address() const;
    /// Freezes the server (SIGSTOP): it accepts nothing and answers nothing, like a hung machine.
    void freeze();

  private:
    int m_pid = -1;
    int m_port = 0;
};

/// True when xapian-tcpsrv can be run (Debian package xapian-tools).
bool have_tcpsrv();

/// Ids of the hits, in order.
std::vector<std::string> hit_ids(const searcher::SearchResponse& response);

}  // namespace dateline::test
