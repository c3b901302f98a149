// The database writer: opens or creates an index, runs the parallel read → analyse → write pipeline,
// commits in batches, records analysis settings and indexed files for incremental runs.
#pragma once

#include "diagnostics.hpp"
#include "shard_routing.hpp"
#include "document_builder.hpp"
#include "source.hpp"

#include "common/analysis.hpp"

#include <xapian.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dateline::indexer {

/// Settings of one indexing run.
struct IndexOptions {
    /// Articles per commit: a crash loses at most one batch, which a re-run restores.
    std::size_t batch_size = 1000;
    /// Analysis threads (0: one per core).
    unsigned threads = 0;
    /// Shards of a new index (0 or 1: one database; N > 1: N shard databases under the index directory and
    /// a stub database listing them, each fed by its own writer thread). An existing index keeps its layout:
    /// 0 takes it as it is, another number than its own is a usage error. See writable_shards.
    std::size_t shards = 0;
    /// What routes articles to the shards of a new index (--shard-by): by id (with `shards`) or by year (one
    /// shard per year, created as its first article comes). Unset: an existing index keeps its layout, a new
    /// one is routed by id. A key that differs from an existing index's is a usage error.
    std::optional<common::ShardKey> shard_key;
    /// Re-read files even when their size and modification time are unchanged.
    bool force = false;
    /// Make the index mirror the inputs: the articles last read from a file that this run reads again and
    /// that no longer holds them are deleted, and so are the articles of files that vanished from a
    /// directory input. Off by default: runs only add and replace (rolling feeds). See index_inputs.
    bool sync = false;
    /// Ids listed per file in IndexSummary::deletions (the count is always whole).
    std::size_t max_reported_ids = 10;
    /// Bodies longer than this are truncated (with a warning) so one huge record cannot exhaust memory.
    std::size_t max_body_bytes = 4 * 1024 * 1024;
    /// Progress display: a bar on a terminal, periodic lines otherwise; none when quiet.
    bool quiet = false;
    DocumentBuilderOptions builder;
    /// Set by the caller (a SIGINT handler, another thread) to stop reading: what was read is committed and
    /// the summary says `interrupted`. Null: the run stops early only on a writer error. Each run has its own
    /// stop state, so a run after a stopped one starts afresh.
    const std::atomic<bool>* cancel = nullptr;
};

/// The articles --sync deleted for one input file.
struct FileDeletions {
    /// The file as named in messages (its absolute path when it vanished).
    std::string file;
    /// True when the file vanished from its directory: all its articles went, and its record too.
    bool vanished = false;
    std::size_t count = 0;
    /// The first IndexOptions::max_reported_ids deleted ids.
    std::vector<std::string> ids;
};

/// What an indexing run did.
struct IndexSummary {
    std::size_t files_read = 0;
    std::size_t files_unchanged = 0;
    std::size_t articles_indexed = 0;
    std::size_t bytes_read = 0;
    std::size_t errors = 0;
    std::size_t warnings = 0;
    /// --sync: articles deleted, files found vanished, and per file what was deleted (files with deletions only).
    std::size_t articles_deleted = 0;
    std::size_t files_vanished = 0;
    std::vector<FileDeletions> deletions;
    bool interrupted = false;
    double seconds = 0.0;
};

/// Opens (creating if needed) the index at `path` for writing and checks it was built by a compatible
/// version. A sharded index of one shard opens that shard. Throws common::EnvironmentError otherwise (also
/// for a sharded index of several shards: open each of writable_shards()).
Xapian::WritableDatabase open_writable_index(const std::string& path);

/// Shards of a new index when the user gives no number: one per core (one writer thread each), at most 4.
std::size_t default_new_index_shards();

/// The analyzer recorded in an index (or the current one for a new index), with the gazetteer's
/// protected words when the gazetteer is available.
std::shared_ptr<const common::Analyzer> make_index_analyzer();

class IndexSourceLabels;

/// An index opened for writing article by article, in transactions: the crawler's and the HTTP write
/// routes' path. Works on a single database and on every shard of a sharded index alike: each article goes
/// to its id's shard or its year's (a new year's shard is created when its first article comes, and an
/// article whose year changed leaves its old year's shard), grouped with its closest earlier near-duplicate across all shards (both then carry the group's
/// collapse key, the first article's id term; an article without one carries none, which keeps collapsing
/// cheap at search time), replacing an article with the same id. Run state (set_metadata) lives in the
/// first shard and is committed after the other shards' articles, so a crash between two shards' commits
/// leaves state that names less than was written, never more: a re-run writes the rest again.
class ArticleWriter {
public:
    /// Opens the index at `db_path`, creating it with `shards` shards or sharded by `key` when new: see
    /// writable_shards.
    /// Throws common::EnvironmentError or common::UsageError as open_writable_index and writable_shards do.
    explicit ArticleWriter(const std::string& db_path, std::size_t shards = 0, std::optional<common::ShardKey> key = std::nullopt);
    ~ArticleWriter();
    ArticleWriter(const ArticleWriter&) = delete;
    ArticleWriter& operator=(const ArticleWriter&) = delete;

    /// Writes one built article. Returns the document id in its shard.
    Xapian::docid write(BuiltDocument& built);
    /// Deletes the article `id` from whichever shard holds it. Returns whether it existed.
    bool remove(const std::string& id);
    /// Run state (in the first shard).
    std::string get_metadata(const std::string& key) const;
    void set_metadata(const std::string& key, const std::string& value);
    /// Commits the transaction of every shard (the first one last, with the last update stamped) and
    /// starts the next one.
    void commit();
    /// Commits what is written and ends the transactions; no write may follow.
    void finish();
    /// Cancels the uncommitted transactions (after an error); no write may follow.
    void cancel() noexcept;
    std::size_t shard_count() const noexcept { return m_dbs.size(); }

private:
    ShardRouting m_routing;
    std::vector<Xapian::WritableDatabase> m_dbs;
    /// Per shard: articles written or deleted since the last commit (only those shards are stamped).
    std::vector<bool> m_changed;
    std::unique_ptr<NearDuplicateFinder> m_duplicates;
    std::unique_ptr<IndexSourceLabels> m_labels;
    bool m_open = false;
};

/// Records the time of this write (UTC, ISO 8601) in the index metadata, for /api/stats, and counts it
/// (schema::k_meta_writes); commit follows.
void stamp_last_update(Xapian::WritableDatabase& db);

/// Indexes `inputs` into the database at `db_path`. Bad records are reported to `diagnostics` and skipped.
/// Each article read from a file carries the file's origin term (schema::origin_term), so the index knows
/// which articles each file gave last. With `options.sync`, a file read whole and without bad records that
/// no longer holds some of its earlier articles has them deleted at the end of the run, unless another
/// file of the run gave them since (an id that moved); a file that vanished from a directory input loses
/// all its articles and its record. Deletions are committed before the file's record, so a crash leaves the
/// file to be read again, never an article deleted that its file still holds. An interrupted run deletes
/// nothing more (its pending files are read again next time).
IndexSummary index_inputs(const std::string& db_path, const std::vector<std::string>& inputs,
                          const SourceOptions& source_options, const IndexOptions& options, Diagnostics& diagnostics);

/// Deletes articles by id (from whichever shard holds them). Returns how many existed.
std::size_t delete_articles(const std::string& db_path, const std::vector<std::string>& ids);

/// Writes `articles` to the index at `db_path` as dateline-index does (analysed with the index's analyzer,
/// near-duplicates grouped across shards, each routed to its id's shard, the last update stamped, committed
/// at once). Returns how many were written.
/// Throws common::EnvironmentError when the index cannot be opened or written. The write path of the
/// HTTP server's CMS routes.
std::size_t write_articles(const std::string& db_path, std::vector<common::Article>& articles);

}  // namespace dateline::indexer
