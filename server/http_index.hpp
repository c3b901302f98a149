// The server's access to the index: one reading Searcher per worker thread, reopened when the index has
// new commits, and the single writer of the write routes.
#pragma once

#include "searcher/searcher.hpp"

#include "common/article.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dateline::server {

/// The unique id term of article `id` ("Q" + id; hashed for very long ids, as the indexer does).
std::string article_id_term(const std::string& id);

/// Hands each worker thread its own Searcher (a Xapian database handle is not thread-safe) and keeps it
/// on the latest commit: a worker calls Database::reopen() at most every `reopen_interval`, and at once
/// after this server's own writes. Writes go through write(), which never overwrites a revision a search
/// is reading: a glass reader survives one commit after its revision, not two (DatabaseModifiedError).
class ReaderPool {
  public:
    /// Opens the index once to check it (throws common::EnvironmentError like open_index).
    ReaderPool(std::vector<std::string> specs, searcher::SearchTuning tuning, std::chrono::milliseconds reopen_interval);
    ReaderPool(const ReaderPool&) = delete;
    ReaderPool& operator=(const ReaderPool&) = delete;

    /// One use of the calling thread's Searcher: while it lasts, write() leaves the revision it reads intact.
    class Lease {
      public:
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease();
        searcher::Searcher& searcher() const noexcept { return m_searcher; }

      private:
        friend class ReaderPool;
        Lease(ReaderPool& pool, searcher::Searcher& searcher, std::uint64_t generation)
            : m_pool(pool), m_searcher(searcher), m_generation(generation) {}
        ReaderPool& m_pool;
        searcher::Searcher& m_searcher;
        std::uint64_t m_generation;
    };

    /// The calling thread's Searcher, opened on first use and reopened if the index changed (not inside
    /// another lease of the same thread, whose reads would move to another revision).
    Lease lease();
    /// Reopens the calling thread's handle now (after Xapian::DatabaseModifiedError: a write by another
    /// process, which write() cannot hold back).
    void reopen_local();
    /// Runs `change` (one write to the index, committed) once no search reads a revision older than the
    /// newest commit, one change at a time; then every worker reopens before its next search. Searches are
    /// never held back: those that start meanwhile read the newest commit, which survives `change`.
    /// Rethrows what `change` throws.
    void write(const std::function<void()>& change);
    const std::vector<std::string>& specs() const noexcept { return m_specs; }

  private:
    void release(std::uint64_t generation);
    /// Whether the stubs of the specs now list other shards than `opened` (a new year's shard).
    bool shards_changed(const std::vector<std::string>& opened) const;

    std::vector<std::string> m_specs;
    searcher::SearchTuning m_tuning;
    std::chrono::milliseconds m_reopen_interval;
    /// Distinguishes pools, so a thread's slot never outlives the pool it came from.
    std::uint64_t m_pool_id;
    /// Writes done through write(); a handle reopened after reading generation g has seen the first g.
    std::atomic<std::uint64_t> m_generation{0};
    std::mutex m_mutex;
    std::condition_variable m_released;
    /// Leases in progress, by the generation their handle has seen.
    std::map<std::uint64_t, std::size_t> m_reading;
    bool m_writing = false;
};

/// Outcome of one article write.
struct WriteOutcome {
    /// Articles written (replaced or added).
    std::size_t indexed = 0;
    /// The ids of the articles written, in body order (assigned ones included: a record without an id gets
    /// its canonical URL, else a hash, as with dateline-index).
    std::vector<std::string> ids;
    /// Records that were skipped: "body:N: error: what was wrong".
    std::vector<std::string> errors;
    /// What was repaired or ignored in records that were written (an unreadable date, an unknown language):
    /// "body:N: warning: what", as dateline-index prints them.
    std::vector<std::string> warnings;
};

/// The one writer of the server. Each call opens the index for writing, applies the change, commits and
/// closes it again, so that `dateline-index` runs between API writes are not locked out. Calls are
/// serialised by a mutex. Throws common::EnvironmentError when the index cannot be opened for writing
/// (e.g. locked by a running dateline-index), common::BadInputError for unusable request bodies.
class ArticleWriter {
  public:
    explicit ArticleWriter(std::string path) : m_path(std::move(path)) {}

    /// Adds or replaces the article `id` from a JSON object (title, body, date, url, lang, source; the
    /// same fields as a JSON Lines record). A body "id" different from `id` is an error.
    WriteOutcome put(const std::string& id, std::string_view json_object);
    /// Adds or replaces the articles of a JSON Lines body; bad lines are reported and skipped.
    WriteOutcome put_lines(std::string_view json_lines);
    /// Deletes the article `id`; false if there was none.
    bool remove(const std::string& id);

  private:
    std::string m_path;
    std::mutex m_mutex;
};

}  // namespace dateline::server
