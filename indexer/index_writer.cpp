// The indexing pipeline: one reader, analysis workers, one Xapian writer applying documents in input order.
#include "index_writer.hpp"

#include "fingerprint.hpp"
#include "formats.hpp"

#include "common/analysis_setup.hpp"
#include "common/errors.hpp"
#include "common/schema.hpp"
#include "common/hash.hpp"
#include "common/shard_layout.hpp"
#include "common/text.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <variant>

namespace dateline::indexer {

namespace schema = common::schema;

namespace {

/// A bounded multi-producer multi-consumer queue; pop() returns nullopt once closed and drained.
template <typename T>
class BlockingQueue {
  public:
    explicit BlockingQueue(std::size_t capacity) : m_capacity(capacity) {}
    void push(T item) {
        std::unique_lock lock(m_mutex);
        m_not_full.wait(lock, [&] { return m_items.size() < m_capacity; });
        m_items.push_back(std::move(item));
        m_not_empty.notify_one();
    }
    std::optional<T> pop() {
        std::unique_lock lock(m_mutex);
        m_not_empty.wait(lock, [&] { return !m_items.empty() || m_closed; });
        if (m_items.empty()) return std::nullopt;
        T item = std::move(m_items.front());
        m_items.pop_front();
        m_not_full.notify_one();
        return item;
    }
    void close() {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_not_empty.notify_all();
    }

  private:
    std::size_t m_capacity;
    std::mutex m_mutex;
    std::condition_variable m_not_empty;
    std::condition_variable m_not_full;
    std::deque<T> m_items;
    bool m_closed = false;
};

/// Marks that every article of a file has been read; the writer records the file when it reaches it.
struct FileDone {
    std::string meta_key;
    std::string meta_value;
    /// The file's position in the run's inputs.
    std::size_t file = 0;
    /// Records of the file skipped as bad: --sync then keeps the articles the file no longer gives.
    std::size_t errors = 0;
};

struct Job {
    std::uint64_t seq = 0;
    /// The input file the payload comes from (its position in the run's inputs).
    std::size_t file = 0;
    std::variant<common::Article, FileDone> payload;
};

struct Result {
    std::uint64_t seq = 0;
    std::size_t file = 0;
    std::variant<BuiltDocument, FileDone> payload;
};

/// Results arrive out of order from the workers; the writer takes them back in sequence order so that
/// the last version of a re-indexed id wins, as in the input. Bounded: a worker whose result is too far
/// ahead of the writer waits, so that a slow writer cannot make built documents pile up in memory.
class ReorderBuffer {
  public:
    explicit ReorderBuffer(std::size_t capacity) : m_capacity(capacity) {}
    void put(Result r) {
        std::unique_lock lock(m_mutex);
        // The result the writer waits for is always accepted, so this never deadlocks.
        m_room.wait(lock, [&] { return r.seq < m_next + m_capacity; });
        m_items.emplace(r.seq, std::move(r));
        m_ready.notify_all();
    }
    /// Waits for result `seq`; nullopt when all producers are done and it will never come.
    std::optional<Result> take(std::uint64_t seq) {
        std::unique_lock lock(m_mutex);
        m_next = seq;
        m_room.notify_all();
        m_ready.wait(lock, [&] { return m_items.count(seq) > 0 || m_producers_done; });
        auto it = m_items.find(seq);
        if (it == m_items.end()) return std::nullopt;
        Result r = std::move(it->second);
        m_items.erase(it);
        m_next = seq + 1;
        m_room.notify_all();
        return r;
    }
    void producers_done() {
        std::lock_guard lock(m_mutex);
        m_producers_done = true;
        m_ready.notify_all();
    }

  private:
    std::size_t m_capacity;
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::condition_variable m_room;
    std::map<std::uint64_t, Result> m_items;
    std::uint64_t m_next = 0;
    bool m_producers_done = false;
};

/// "size:mtime" of a file, the cheap signature of incremental runs; empty for stdin.
std::string file_signature(const InputFile& file) {
    if (file.path == "-") return {};
    struct stat st {};
    if (::stat(file.path.c_str(), &st) != 0) return {};
    return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

std::size_t file_size(const InputFile& file) {
    struct stat st {};
    if (file.path == "-" || ::stat(file.path.c_str(), &st) != 0) return 0;
    return static_cast<std::size_t>(st.st_size);
}

/// The absolute path of a file (symbolic links resolved): what its record and its origin term name.
std::string absolute_path(const std::string& path) {
    char resolved[PATH_MAX];
    return ::realpath(path.c_str(), resolved) ? std::string(resolved) : path;
}

/// The article id stored in a document, for reports.
std::string stored_id(const Xapian::Document& doc) {
    try {
        return common::Article::from_stored_json(doc.get_data()).id;
    } catch (const common::Error&) {
        return doc.get_value(schema::k_slot_id_term).substr(schema::k_prefix_id.size());
    }
}

/// In the writer thread: which documents each file gave in this run, which it gave before and not now (a
/// run without --sync marks its record unsynced), and with --sync their deletion once every file was read. Deleting waits for the
/// end of the run so that an id that moved to a file read later is not deleted: writing it from its new
/// file replaces its origin term, and only documents still carrying the old file's term are deleted.
class SyncPlan {
  public:
    /// An article of input `file` was written as document `docid`.
    void written(std::size_t file, Xapian::docid docid) {
        if (file != m_file) {
            m_file = file;
            m_docids.clear();
        }
        m_docids.push_back(docid);
    }

    /// Input `file` (origin term `origin`) was read whole: the documents it gave in earlier runs and not
    /// in this one, sorted.
    std::vector<Xapian::docid> file_read(Xapian::WritableDatabase& db, const FileDone& done, const std::string& origin) {
        std::vector<Xapian::docid> read_now;
        if (m_file == done.file) read_now.swap(m_docids);
        m_file = static_cast<std::size_t>(-1);
        std::sort(read_now.begin(), read_now.end());
        std::vector<Xapian::docid> stale;
        // The writer sees its own uncommitted changes: documents of this file written in this batch count.
        for (auto it = db.postlist_begin(origin); it != db.postlist_end(origin); ++it) {
            if (!std::binary_search(read_now.begin(), read_now.end(), *it)) stale.push_back(*it);
        }
        return stale;
    }

    /// The `stale` documents of a file read whole are deleted at the end of the run; its record waits.
    void defer(const FileDone& done, const std::string& origin, const std::string& display_name, std::vector<Xapian::docid> stale) {
        m_pending.push_back({display_name, origin, done.meta_key, done.meta_value, std::move(stale), false});
    }

    /// A file recorded under a directory input that no longer exists: all its articles go, and its record.
    void file_vanished(const std::string& meta_key) {
        const std::string path = meta_key.substr(schema::k_meta_file_prefix.size());
        m_pending.push_back({path, schema::origin_term(path), meta_key, std::string(), {}, true});
    }

    /// Deletes the pending files' articles (each a write toward the batch: `deleted` commits when full),
    /// then records each file: a crash in between leaves it to be read again. Stops between two deletions
    /// when `stopping` says so, leaving the file unrecorded.
    void apply(Xapian::WritableDatabase& db, std::size_t max_ids, const std::function<void()>& deleted,
               const std::function<bool()>& stopping, IndexSummary& summary) {
        for (const PendingFile& file : m_pending) {
            std::vector<Xapian::docid> doomed;
            for (auto it = db.postlist_begin(file.origin); it != db.postlist_end(file.origin); ++it) {
                if (file.vanished || std::binary_search(file.stale.begin(), file.stale.end(), *it)) doomed.push_back(*it);
            }
            FileDeletions record{file.display_name, file.vanished, 0, {}};
            bool stopped = false;
            for (const Xapian::docid docid : doomed) {
                if (stopping()) {
                    stopped = true;
                    break;
                }
                if (record.ids.size() < max_ids) record.ids.push_back(stored_id(db.get_document(docid)));
                db.delete_document(docid);
                ++record.count;
                ++summary.articles_deleted;
                deleted();
            }
            // An empty value removes a vanished file's record.
            if (!stopped) db.set_metadata(file.meta_key, file.meta_value);
            if (file.vanished) ++summary.files_vanished;
            if (record.count > 0 || file.vanished) summary.deletions.push_back(std::move(record));
            if (stopped) return;
        }
    }

  private:
    struct PendingFile {
        std::string display_name;
        std::string origin;
        std::string meta_key;
        /// The file's signature, recorded once its articles are deleted; empty for a vanished file.
        std::string meta_value;
        /// Sorted ids of the documents the file gave before and not now (unused for a vanished file).
        std::vector<Xapian::docid> stale;
        bool vanished;
    };
    std::size_t m_file = static_cast<std::size_t>(-1);
    std::vector<Xapian::docid> m_docids;
    std::vector<PendingFile> m_pending;
};

/// The recorded files under the directories among `inputs` that no longer exist and are not among this
/// run's files (`run_keys`): their meta keys. A file that exists but is no longer read (renamed to .md,
/// hidden) keeps its articles: --sync deletes only for files that are gone.
std::vector<std::string> vanished_files(const Xapian::Database& db, const std::vector<std::string>& inputs,
                                        const std::vector<std::string>& run_keys) {
    const std::set<std::string> in_run(run_keys.begin(), run_keys.end());
    std::set<std::string> vanished;
    for (const std::string& input : inputs) {
        std::error_code ec;
        if (input == "-" || !std::filesystem::is_directory(input, ec)) continue;
        std::string dir = absolute_path(input);
        if (!dir.ends_with('/')) dir += '/';
        const std::string prefix = std::string(schema::k_meta_file_prefix) + dir;
        for (auto it = db.metadata_keys_begin(prefix); it != db.metadata_keys_end(prefix); ++it) {
            const std::string key = *it;
            if (in_run.count(key)) continue;
            // An error other than "no such file" (permissions, I/O) is no proof the file is gone.
            const bool exists = std::filesystem::exists(key.substr(schema::k_meta_file_prefix.size()), ec);
            if (!exists && !ec) vanished.insert(key);
        }
    }
    return {vanished.begin(), vanished.end()};
}

/// Progress on stderr: a redrawn line on a terminal, a line every 10 s otherwise.
class Progress {
  public:
    Progress(bool quiet, std::size_t total_bytes)
        : m_quiet(quiet), m_tty(isatty(STDERR_FILENO) != 0), m_total(total_bytes), m_start(clock::now()),
          m_last(m_start) {}
    void update(std::size_t files_done, std::size_t files_total, std::size_t articles, std::size_t bytes, bool final = false) {
        if (m_quiet) return;
        const auto now = clock::now();
        const double since_last = std::chrono::duration<double>(now - m_last).count();
        if (!final && since_last < (m_tty ? 0.25 : 10.0)) return;
        m_last = now;
        const double elapsed = std::max(1e-3, std::chrono::duration<double>(now - m_start).count());
        const double rate = static_cast<double>(articles) / elapsed;
        const double mbps = static_cast<double>(bytes) / elapsed / 1e6;
        char line[256];
        if (m_tty) {
            const double frac = m_total ? std::min(1.0, static_cast<double>(bytes) / static_cast<double>(m_total)) : 0.0;
            const int width = 24;
            std::string bar(static_cast<std::size_t>(frac * width), '#');
            bar.resize(width, '.');
            const double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
            std::snprintf(line, sizeof line, "\r[%s] %zu/%zu files  %zu articles  %.0f art/s  %.1f MB/s  ETA %.0fs ",
                          bar.c_str(), files_done, files_total, articles, rate, mbps, eta);
            std::cerr << line << (final ? "\n" : "") << std::flush;
        } else {
            std::snprintf(line, sizeof line, "progress: %zu/%zu files, %zu articles, %.0f articles/s, %.1f MB/s\n",
                          files_done, files_total, articles, rate, mbps);
            std::cerr << line << std::flush;
        }
    }

  private:
    using clock = std::chrono::steady_clock;
    bool m_quiet;
    bool m_tty;
    std::size_t m_total;
    clock::time_point m_start;
    clock::time_point m_last;
};

struct StopReading {};

/// An article for its shard's writer, with the collapse key of its near-duplicate group ("" when none).
struct WriteOp {
    BuiltDocument built;
    std::string group;
    std::size_t file = 0;
};

/// For the shard holding a group's first article: that article gets the group's key when still alone.
struct HeadOp {
    std::string group;
};

/// Commit now and answer with the shard's highest document id (0 when the shard writer has stopped).
struct CommitOp {
    std::promise<Xapian::docid>* done = nullptr;
};

/// Index sharded by year: the article `id_term` was given another year; its copy in this shard goes.
struct DeleteOp {
    std::string id_term;
};

/// A source's label changed (IndexSourceLabels): recorded in every shard, and the articles of the source
/// written before relabelled.
struct LabelOp {
    SourceLabelChange change;
};

using ShardOp = std::variant<WriteOp, HeadOp, DeleteOp, LabelOp, FileDone, CommitOp>;

/// One shard of a run: its database, the queue its writer thread applies, what that thread found.
struct ShardState {
    ShardState(std::string p, Xapian::WritableDatabase d) : path(std::move(p)), db(std::move(d)) {}
    std::string path;
    Xapian::WritableDatabase db;
    BlockingQueue<ShardOp> queue{512};
    SyncPlan sync_plan;
    std::exception_ptr error;
    IndexSummary deletions;
    std::thread writer;
};

/// Index sharded by year: the shards that may hold an article besides the one its (new) year names, so
/// that an article whose date changed leaves its old year. What this run placed is remembered by a hash of
/// the id (a collision costs a needless existence check, no more); what earlier runs wrote is looked up in
/// the shards as they were when the run began.
class ArticleLocations {
  public:
    explicit ArticleLocations(const std::vector<std::string>& shard_paths) : m_count(shard_paths.size()) {
        for (const std::string& path : shard_paths) m_before.add_database(Xapian::Database(path));
        m_any_before = m_before.get_doccount() > 0;
    }

    /// The shards other than `target` where `id_term` may be; then remembers it in `target`.
    std::vector<std::size_t> move(const std::string& id_term, std::size_t target) {
        std::vector<std::size_t> holders;
        const std::uint64_t key = common::fnv1a64(id_term);
        if (const auto it = m_placed.find(key); it != m_placed.end() && it->second != target) holders.push_back(it->second);
        if (m_any_before) {
            for (int attempt = 0;; ++attempt) {
                try {
                    for (auto it = m_before.postlist_begin(id_term); it != m_before.postlist_end(id_term); ++it) {
                        const std::size_t shard = common::split_docid(*it, m_count).shard;
                        if (shard != target && std::find(holders.begin(), holders.end(), shard) == holders.end()) holders.push_back(shard);
                    }
                    break;
                } catch (const Xapian::DatabaseModifiedError&) {
                    // Later revisions add only what this run placed, which m_placed knows.
                    if (attempt > 0) throw;
                    m_before.reopen();
                }
            }
        }
        m_placed[key] = static_cast<std::uint32_t>(target);
        return holders;
    }

  private:
    std::size_t m_count;
    Xapian::Database m_before;
    bool m_any_before = false;
    std::unordered_map<std::uint64_t, std::uint32_t> m_placed;
};

/// The deletions of each shard's --sync, merged per file in the order the files were first reported.
void merge_deletions(IndexSummary& into, IndexSummary& shard, std::size_t max_ids) {
    into.articles_deleted += shard.articles_deleted;
    for (FileDeletions& d : shard.deletions) {
        const auto same = std::find_if(into.deletions.begin(), into.deletions.end(), [&](const FileDeletions& e) { return e.file == d.file; });
        if (same == into.deletions.end()) {
            if (d.vanished) ++into.files_vanished;
            into.deletions.push_back(std::move(d));
            continue;
        }
        same->count += d.count;
        for (std::string& id : d.ids) {
            if (same->ids.size() < max_ids) same->ids.push_back(std::move(id));
        }
    }
}

}  // namespace

Xapian::WritableDatabase open_writable_index(const std::string& path) {
    if (const std::string stub = common::stub_file_of(path); !stub.empty()) {
        const std::vector<std::string> shards = writable_shards(path, 0);
        if (shards.size() == 1) return open_writable_index(shards.front());
        throw common::EnvironmentError("index '" + path + "' has " + std::to_string(shards.size()) +
                                       " shards: open each shard for writing (indexer::writable_shards)");
    }
    Xapian::WritableDatabase db;
    try {
        db = Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
    } catch (const Xapian::Error& e) {
        throw common::EnvironmentError("cannot open index '" + path + "' for writing: " + e.get_description());
    }
    const std::string version = db.get_metadata(std::string(schema::k_meta_version));
    if (version.empty()) {
        if (db.get_doccount() > 0) {
            throw common::EnvironmentError("'" + path + "' is a Xapian database not made by dateline-index; refusing to write to it");
        }
        db.set_metadata(std::string(schema::k_meta_version), std::to_string(schema::k_index_version));
        db.set_metadata(std::string(schema::k_meta_analysis), make_index_analyzer()->settings().to_json());
        db.set_metadata(std::string(schema::k_meta_place_ranks), "1");
        db.set_metadata(std::string(schema::k_meta_origins), "1");
        db.set_metadata(std::string(schema::k_meta_sample_buckets), std::to_string(schema::k_sample_buckets));
        db.set_metadata(std::string(schema::k_meta_group_values), "1");
        db.commit();
    } else {
        // Appending must analyse as the index was written: the same layout, stemmers and place names.
        common::check_layout_version(path, version, common::IndexAccess::write);
        const auto stored = common::AnalyzerSettings::from_json(db.get_metadata(std::string(schema::k_meta_analysis)));
        common::check_index_compatible(path, version, stored, make_index_analyzer()->settings(), common::IndexAccess::write);
    }
    return db;
}

std::shared_ptr<const common::Analyzer> make_index_analyzer() { return common::make_current_analyzer(); }

void stamp_last_update(Xapian::WritableDatabase& db) {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    db.set_metadata(std::string(schema::k_meta_last_update), buf);
    // The stamp changes once a second; the count with every change (compaction tells them apart by it).
    const std::string writes = db.get_metadata(std::string(schema::k_meta_writes));
    unsigned long long count = 0;
    std::from_chars(writes.data(), writes.data() + writes.size(), count);
    db.set_metadata(std::string(schema::k_meta_writes), std::to_string(count + 1));
}

namespace {

/// The part of grouping done in the shard of a group's first article: it gets the key when still alone.
/// Returns whether it was changed (in this shard).
bool mark_group_head(Xapian::WritableDatabase& db, const std::string& group) {
    // The writer sees its own uncommitted changes, so a first article written earlier in this batch is found.
    const auto first = db.postlist_begin(group);
    if (first == db.postlist_end(group)) return false;
    Xapian::Document head = db.get_document(*first);
    if (!head.get_value(schema::k_slot_collapse).empty()) return false;
    head.add_value(schema::k_slot_collapse, group);
    head.add_value(schema::k_slot_group_values, schema::group_values(head, group));
    db.replace_document(*first, head);
    return true;
}

/// The part done in the article's own shard: it is written with its group's key ("" when alone).
Xapian::docid write_grouped(Xapian::WritableDatabase& db, BuiltDocument& built, const std::string& group) {
    if (group == built.id_term) {
        // The article is being re-indexed: it stays the head of its group if it had one.
        const auto first = db.postlist_begin(group);
        if (first != db.postlist_end(group) && !db.get_document(*first).get_value(schema::k_slot_collapse).empty()) {
            built.document.add_value(schema::k_slot_collapse, group);
        }
    } else if (!group.empty()) {
        built.document.add_value(schema::k_slot_collapse, group);
    }
    // Sampled by group: a group of near-duplicates is in a facet sample whole or not at all, so that counts
    // of groups scale without bias (an article alone is its own group).
    built.document.add_boolean_term(schema::sample_term(group.empty() ? built.id_term : group));
    // The article carries its source label already (IndexSourceLabels): the group's values are the ones the
    // facets count.
    if (const std::string key = built.document.get_value(schema::k_slot_collapse); !key.empty()) {
        built.document.add_value(schema::k_slot_group_values, schema::group_values(built.document, key));
    }
    return db.replace_document(built.id_term, built.document);
}

}  // namespace

std::size_t default_new_index_shards() {
    return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
}

/// The label of each source id for the whole index, in the one thread that writes or routes articles:
/// what the shards record (the best of their labels: see better_source_label), then what this run decided.
class IndexSourceLabels {
  public:
    explicit IndexSourceLabels(std::function<std::string(const std::string&)> recorded) : m_recorded(std::move(recorded)) {}

    /// Gives `document` its source's label, or returns the change its own label makes (to record in every shard).
    SourceLabelChange apply(Xapian::Document& document) {
        const std::string id = source_id_of(document);
        if (id.empty()) return {};
        auto it = m_labels.find(id);
        if (it == m_labels.end()) it = m_labels.emplace(id, m_recorded(id)).first;
        SourceLabelChange change = choose_source_label(it->second, document);
        if (!change.source_id.empty()) it->second = change.label;
        return change;
    }

  private:
    std::function<std::string(const std::string&)> m_recorded;
    std::map<std::string, std::string, std::less<>> m_labels;
};

ArticleWriter::ArticleWriter(const std::string& db_path, std::size_t shards, std::optional<common::ShardKey> key)
    : m_routing(db_path, shards, key) {
    for (const std::string& path : m_routing.paths()) m_dbs.push_back(open_writable_index(path));
    m_changed.assign(m_dbs.size(), false);
    m_duplicates = std::make_unique<NearDuplicateFinder>(m_routing.paths());
    // The writer sees its own uncommitted changes: what the shards record is always up to date.
    m_labels = std::make_unique<IndexSourceLabels>([this](const std::string& id) {
        std::string best;
        for (const Xapian::WritableDatabase& db : m_dbs) best = better_source_label(best, recorded_source_label(db, id));
        return best;
    });
    for (Xapian::WritableDatabase& db : m_dbs) db.begin_transaction();
    m_open = true;
}

ArticleWriter::~ArticleWriter() { cancel(); }

Xapian::docid ArticleWriter::write(BuiltDocument& built) {
    std::size_t target = m_routing.shard_of(built);
    if (target == ShardRouting::k_new_shard) {
        // A year met for the first time: its shard is created (empty, committed) and listed in the stub.
        target = m_routing.add_shard(built, {});
        m_dbs.push_back(open_writable_index(m_routing.paths().back()));
        m_dbs.back().begin_transaction();
        m_changed.push_back(false);
        m_duplicates->add_shard(m_routing.paths().back());
    }
    const std::string group = m_duplicates->find(built.fingerprint);
    // The group's first article gets the key too when it is still alone (in its own shard).
    if (!group.empty() && group != built.id_term) {
        if (m_routing.key() == common::ShardKey::id) {
            const std::size_t head = common::shard_of(group, m_dbs.size());
            if (mark_group_head(m_dbs[head], group)) m_changed[head] = true;
        } else {
            for (std::size_t s = 0; s < m_dbs.size(); ++s) {
                if (mark_group_head(m_dbs[s], group)) m_changed[s] = true;
            }
        }
    }
    m_duplicates->add(built.fingerprint, group.empty() ? built.id_term : group);
    if (m_routing.key() == common::ShardKey::year) {
        // An article whose date changed leaves its old year's shard.
        for (std::size_t s = 0; s < m_dbs.size(); ++s) {
            if (s != target && m_dbs[s].term_exists(built.id_term)) {
                m_dbs[s].delete_document(built.id_term);
                m_changed[s] = true;
            }
        }
    }
    if (const SourceLabelChange change = m_labels->apply(built.document); !change.source_id.empty()) {
        for (std::size_t s = 0; s < m_dbs.size(); ++s) {
            if (record_source_label(m_dbs[s], change)) m_changed[s] = true;
        }
    }
    const Xapian::docid docid = write_grouped(m_dbs[target], built, group);
    m_changed[target] = true;
    // The finder then forgets what it holds and finds it in the databases.
    if (m_duplicates->memory_full()) commit();
    return docid;
}

bool ArticleWriter::remove(const std::string& id) {
    // Every shard is asked, so that an article is found wherever an older layout put it.
    const std::string term = schema::id_term(id);
    bool found = false;
    for (std::size_t s = 0; s < m_dbs.size(); ++s) {
        if (m_dbs[s].term_exists(term)) {
            m_dbs[s].delete_document(term);
            m_changed[s] = true;
            found = true;
        }
    }
    return found;
}

std::string ArticleWriter::get_metadata(const std::string& key) const { return m_dbs.front().get_metadata(key); }

void ArticleWriter::set_metadata(const std::string& key, const std::string& value) { m_dbs.front().set_metadata(key, value); }

void ArticleWriter::commit() {
    finish();
    for (Xapian::WritableDatabase& db : m_dbs) db.begin_transaction();
    m_open = true;
}

void ArticleWriter::finish() {
    if (!m_open) return;
    m_open = false;
    std::vector<Xapian::docid> last(m_dbs.size());
    // The first shard, which holds the run state, last.
    for (std::size_t s = m_dbs.size(); s-- > 0;) {
        // The first shard holds the run state: stamped with every commit.
        if (m_changed[s] || s == 0) stamp_last_update(m_dbs[s]);
        m_changed[s] = false;
        m_dbs[s].commit_transaction();
        last[s] = m_dbs[s].get_lastdocid();
    }
    m_duplicates->committed(last);
}

void ArticleWriter::cancel() noexcept {
    if (!m_open) return;
    m_open = false;
    for (Xapian::WritableDatabase& db : m_dbs) {
        try {
            db.cancel_transaction();
        } catch (const Xapian::Error&) {
            // No transaction in progress (the error came from committing it).
        }
    }
}

IndexSummary index_inputs(const std::string& db_path, const std::vector<std::string>& inputs,
                          const SourceOptions& source_options, const IndexOptions& options, Diagnostics& diagnostics) {
    const auto start = std::chrono::steady_clock::now();
    IndexSummary summary;
    const std::size_t errors_before = diagnostics.errors();
    const std::size_t warnings_before = diagnostics.warnings();
    ShardRouting routing(db_path, options.shards, options.shard_key);
    // The dispatcher adds a shard when a year is met for the first time (index sharded by year); the other
    // threads hold their own shard's state, which does not move.
    std::vector<std::unique_ptr<ShardState>> shards;
    for (const std::string& path : routing.paths()) shards.push_back(std::make_unique<ShardState>(path, open_writable_index(path)));
    const std::size_t initial_shards = shards.size();
    auto analyzer = make_index_analyzer();
    const DocumentBuilder builder(analyzer, options.builder);
    const std::vector<InputFile> files = resolve_inputs(inputs, source_options, diagnostics);
    // Which files changed since the last run, decided before the writer threads start: the databases
    // must not be read here while those threads write to them.
    std::vector<std::string> signatures(files.size());
    std::vector<std::string> meta_keys(files.size());
    std::vector<std::string> origins(files.size());
    std::vector<bool> unchanged(files.size(), false);
    // The records of the files a shard created during the run holds no article of: the unchanged files', then
    // those read whole before it came (an unchanged file must stay unchanged in every shard).
    MetadataRecords records;
    for (std::size_t i = 0; i < files.size(); ++i) {
        signatures[i] = file_signature(files[i]);
        if (files[i].path != "-") {
            const std::string path = absolute_path(files[i].path);
            meta_keys[i] = std::string(schema::k_meta_file_prefix) + path;
            origins[i] = schema::origin_term(path);
        }
        // Each shard records the file once its share of the file's articles is committed: the file is
        // unchanged only when every shard says so (a crash between two shards' commits reads it again).
        // A file that lost articles in a run without --sync is read again by a run with it.
        unchanged[i] = !options.force && !signatures[i].empty();
        for (std::size_t s = 0; s < initial_shards && unchanged[i]; ++s) {
            const std::string recorded = shards[s]->db.get_metadata(meta_keys[i]);
            unchanged[i] = recorded == signatures[i] ||
                           (!options.sync && recorded == signatures[i] + std::string(schema::k_meta_file_unsynced));
        }
        if (unchanged[i]) records.emplace_back(meta_keys[i], shards.front()->db.get_metadata(meta_keys[i]));
    }
    if (options.sync) {
        if (shards.front()->db.get_metadata(std::string(schema::k_meta_origins)).empty() && shards.front()->db.get_doccount() > 0) {
            diagnostics.warning(db_path, 0, "this index was created by a build that did not record where articles come from: "
                                            "--sync keeps the articles of a file until it is read again (--force reads all)");
        }
        for (auto& shard : shards) {
            for (const std::string& key : vanished_files(shard->db, inputs, meta_keys)) shard->sync_plan.file_vanished(key);
        }
    }
    // Scraped pages: learn each source's site template from its pages before reading any of them.
    SourceOptions read_options = source_options;
    read_options.chrome = learn_chrome(files, source_options, [&](const InputFile& f) {
        return !unchanged[static_cast<std::size_t>(&f - files.data())];
    });
    std::size_t total_bytes = 0;
    for (const auto& f : files) total_bytes += file_size(f);

    const unsigned workers = std::max(1u, options.threads ? options.threads : std::thread::hardware_concurrency());
    BlockingQueue<Job> jobs(1024);
    ReorderBuffer results(256);

    // This run's stop state: the caller's cancel token, or a failed writer.
    std::atomic<bool> writer_failed{false};
    auto stopping = [&] { return writer_failed.load() || (options.cancel && options.cancel->load()); };
    std::vector<std::thread> pool;
    std::atomic<unsigned> running{workers};
    for (unsigned w = 0; w < workers; ++w) {
        pool.emplace_back([&] {
            while (auto job = jobs.pop()) {
                Result r;
                r.seq = job->seq;
                r.file = job->file;
                if (auto* article = std::get_if<common::Article>(&job->payload)) {
                    // Once stopped, articles still queued are not built (nor written): an empty FileDone
                    // keeps the sequence whole. Their files are not recorded, so the next run reads them.
                    if (stopping()) {
                        r.payload = FileDone{};
                    } else {
                        BuiltDocument built = builder.build(*article);
                        if (!origins[job->file].empty()) built.document.add_boolean_term(origins[job->file]);
                        r.payload = std::move(built);
                    }
                } else {
                    r.payload = std::move(std::get<FileDone>(job->payload));
                }
                results.put(std::move(r));
            }
            if (--running == 0) results.producers_done();
        });
    }

    std::atomic<std::size_t> written{0};
    // Set by the reader once every file was read (not interrupted): only then may --sync delete.
    std::atomic<bool> reading_complete{false};
    std::atomic<bool> writer_stopped{false};
    // One writer thread per shard, each applying its queue in order: the order of the input within a
    // shard, which is all that matters since an id always goes to the same shard (or, sharded by year,
    // leaves its old shard through that shard's queue, behind what was written there before).
    const bool several_shards = routing.size() > 1 || routing.key() == common::ShardKey::year;
    // The first shard is stamped by every run (its stamp says when the index was last brought up to date:
    // /api/stats shows the newest of the shards'); the others only when their articles change.
    auto run_writer = [&](ShardState& shard, bool first) {
        Xapian::WritableDatabase& db = shard.db;
        SyncPlan& sync_plan = shard.sync_plan;
        BlockingQueue<ShardOp>& queue = shard.queue;
        try {
            // Each batch is a transaction: committed whole, or (on an error) cancelled whole, so that the
            // destructor cannot commit part of a batch.
            db.begin_transaction();
            std::size_t in_batch = 0;
            // Only a shard whose articles changed (and the first) is stamped: a past year's shard that only
            // records the files read stays as it was compacted (compact skips it).
            bool changed = false;
            auto commit_batch = [&] {
                if (changed) stamp_last_update(db);
                db.commit_transaction();
                db.begin_transaction();
                in_batch = 0;
            };
            auto count_write = [&] {
                changed = true;
                if (++in_batch >= options.batch_size) commit_batch();
            };
            bool stopped = false;
            while (auto op = queue.pop()) {
                if (stopping()) {
                    // Ctrl-C: commit what is written, leave what is queued.
                    if (auto* commit = std::get_if<CommitOp>(&*op)) commit->done->set_value(0);
                    stopped = true;
                    writer_stopped = true;
                    break;
                }
                if (auto* write = std::get_if<WriteOp>(&*op)) {
                    sync_plan.written(write->file, write_grouped(db, write->built, write->group));
                    ++written;
                    count_write();
                } else if (auto* head = std::get_if<HeadOp>(&*op)) {
                    if (mark_group_head(db, head->group)) changed = true;
                } else if (auto* label = std::get_if<LabelOp>(&*op)) {
                    if (record_source_label(db, label->change)) changed = true;
                } else if (auto* moved = std::get_if<DeleteOp>(&*op)) {
                    if (db.term_exists(moved->id_term)) {
                        db.delete_document(moved->id_term);
                        count_write();
                    }
                } else if (auto* commit = std::get_if<CommitOp>(&*op)) {
                    commit_batch();
                    commit->done->set_value(db.get_lastdocid());
                } else {
                    const auto& done = std::get<FileDone>(*op);
                    std::vector<Xapian::docid> stale = sync_plan.file_read(db, done, origins[done.file]);
                    std::string record = done.meta_value;
                    if (!stale.empty() && !options.sync) {
                        record += schema::k_meta_file_unsynced;
                    } else if (!stale.empty() && done.errors > 0) {
                        diagnostics.warning(files[done.file].display_name, 0,
                                            std::to_string(stale.size()) + " articles indexed from it before are not in it now" +
                                                (several_shards ? " (shard " + shard.path + ")" : std::string()) +
                                                "; --sync keeps them, since " + std::to_string(done.errors) +
                                                " of its records could not be read");
                    } else if (!stale.empty()) {
                        // Recorded after the deletions, at the end of the run.
                        sync_plan.defer(done, origins[done.file], files[done.file].display_name, std::move(stale));
                        continue;
                    }
                    db.set_metadata(done.meta_key, record);
                }
            }
            if (options.sync && !stopped && reading_complete && !stopping()) {
                sync_plan.apply(db, options.max_reported_ids, count_write, stopping, shard.deletions);
            }
            if (changed || first) stamp_last_update(db);
            // Explicit commit: the destructor would swallow errors.
            db.commit_transaction();
        } catch (...) {
            shard.error = std::current_exception();
            writer_failed = true;
            try {
                db.cancel_transaction();
            } catch (const Xapian::Error&) {
                // No transaction in progress (the error came from committing it).
            }
        }
        // Keep draining so that the dispatcher never waits on a full queue or an unanswered commit.
        while (auto op = queue.pop()) {
            if (auto* commit = std::get_if<CommitOp>(&*op)) commit->done->set_value(0);
        }
    };
    for (auto& shard : shards) shard->writer = std::thread(run_writer, std::ref(*shard), shard == shards.front());

    // The dispatcher takes the built articles in input order, groups near-duplicates across all shards
    // (one finder sees every shard, so a group's key is the same wherever its members land), and routes
    // each article to the shard of its id (or of its year, creating that shard when the year is new).
    std::exception_ptr dispatcher_error;
    std::thread dispatcher([&] {
        std::uint64_t next = 0;
        try {
            NearDuplicateFinder duplicates(routing.paths());
            std::optional<ArticleLocations> locations;
            if (routing.key() == common::ShardKey::year) locations.emplace(routing.paths());
            // Labels recorded by earlier runs, read from the shards as the run began (shards added since have
            // none; what this run records, the labels already know).
            std::vector<Xapian::Database> readers;
            for (const std::string& path : routing.paths()) readers.emplace_back(path);
            IndexSourceLabels labels([&](const std::string& id) {
                std::string best;
                for (Xapian::Database& reader : readers) {
                    for (int attempt = 0;; ++attempt) {
                        try {
                            best = better_source_label(best, recorded_source_label(reader, id));
                            break;
                        } catch (const Xapian::DatabaseModifiedError&) {
                            if (attempt > 0) throw;
                            reader.reopen();
                        }
                    }
                }
                return best;
            });
            for (;; ++next) {
                if (stopping()) {
                    writer_stopped = true;
                    break;
                }
                std::optional<Result> r = results.take(next);
                if (!r) break;
                if (auto* built = std::get_if<BuiltDocument>(&r->payload)) {
                    std::size_t target = routing.shard_of(*built);
                    if (target == ShardRouting::k_new_shard) {
                        try {
                            target = routing.add_shard(*built, records);
                        } catch (const common::UsageError& e) {
                            diagnostics.error(files[r->file].display_name, 0,
                                              "article " + quote_value(stored_id(built->document)) + " not indexed: " + e.what());
                            continue;
                        }
                        const std::string& path = routing.paths().back();
                        shards.push_back(std::make_unique<ShardState>(path, open_writable_index(path)));
                        shards.back()->writer = std::thread(run_writer, std::ref(*shards.back()), false);
                        duplicates.add_shard(path);
                    }
                    const std::string group = duplicates.find(built->fingerprint);
                    if (!group.empty() && group != built->id_term) {
                        // Routed by id, the group's first article is in its id's shard; by year, wherever its year put it.
                        if (routing.key() == common::ShardKey::id) {
                            shards[common::shard_of(group, shards.size())]->queue.push(HeadOp{group});
                        } else {
                            for (auto& shard : shards) shard->queue.push(HeadOp{group});
                        }
                    }
                    duplicates.add(built->fingerprint, group.empty() ? built->id_term : group);
                    if (locations) {
                        for (const std::size_t s : locations->move(built->id_term, target)) shards[s]->queue.push(DeleteOp{built->id_term});
                    }
                    if (const SourceLabelChange change = labels.apply(built->document); !change.source_id.empty()) {
                        for (auto& shard : shards) shard->queue.push(LabelOp{change});
                    }
                    shards[target]->queue.push(WriteOp{std::move(*built), group, r->file});
                    if (duplicates.memory_full()) {
                        // Every shard commits what it was given, then the finder forgets it and looks it
                        // up in the databases instead.
                        std::vector<std::promise<Xapian::docid>> commits(shards.size());
                        for (std::size_t s = 0; s < shards.size(); ++s) shards[s]->queue.push(CommitOp{&commits[s]});
                        std::vector<Xapian::docid> last(shards.size());
                        for (std::size_t s = 0; s < shards.size(); ++s) last[s] = commits[s].get_future().get();
                        duplicates.committed(last);
                    }
                } else {
                    const auto& done = std::get<FileDone>(r->payload);
                    if (done.meta_key.empty()) continue;
                    // Each shard records the file after its share of the file's articles.
                    for (auto& shard : shards) shard->queue.push(done);
                    if (routing.key() == common::ShardKey::year) records.emplace_back(done.meta_key, done.meta_value);
                }
            }
        } catch (...) {
            dispatcher_error = std::current_exception();
            writer_failed = true;
            ++next;
        }
        // Keep draining so that the workers never wait on a full buffer.
        while (results.take(next++)) {
        }
        for (auto& shard : shards) shard->queue.close();
    });

    Progress progress(options.quiet, total_bytes);
    std::uint64_t seq = 0;
    std::size_t files_done = 0;
    for (std::size_t file_index = 0; file_index < files.size(); ++file_index) {
        const InputFile& file = files[file_index];
        if (stopping()) {
            summary.interrupted = true;
            break;
        }
        const std::string& signature = signatures[file_index];
        const std::string& key = meta_keys[file_index];
        if (unchanged[file_index]) {
            ++summary.files_unchanged;
            ++files_done;
            continue;
        }
        const std::size_t errors_before_file = diagnostics.errors();
        try {
            read_input(file, read_options, [&](common::Article&& article) {
                if (stopping()) throw StopReading{};
                if (article.body.size() > options.max_body_bytes) {
                    diagnostics.warning(file.display_name, 0, "article " + quote_value(article.id.empty() ? article.title : article.id) +
                                                                  " has a body of " + std::to_string(article.body.size()) +
                                                                  " bytes; truncated to " + std::to_string(options.max_body_bytes));
                    article.body.resize(common::truncate_utf8(article.body, options.max_body_bytes).size());
                }
                jobs.push(Job{seq++, file_index, std::move(article)});
                progress.update(files_done, files.size(), written.load(), summary.bytes_read);
            }, diagnostics);
        } catch (const StopReading&) {
            summary.interrupted = true;
            break;
        } catch (const common::Error& e) {
            diagnostics.error(file.display_name, 0, e.what());
            ++files_done;
            continue;
        }
        ++summary.files_read;
        ++files_done;
        summary.bytes_read += file_size(file);
        jobs.push(Job{seq++, file_index, FileDone{key, signature, file_index, diagnostics.errors() - errors_before_file}});
        progress.update(files_done, files.size(), written.load(), summary.bytes_read);
    }
    reading_complete = !summary.interrupted;
    jobs.close();
    for (auto& t : pool) t.join();
    dispatcher.join();
    // The dispatcher has stopped adding shards.
    for (auto& shard : shards) {
        if (shard->writer.joinable()) shard->writer.join();
    }
    if (dispatcher_error) std::rethrow_exception(dispatcher_error);
    for (auto& shard : shards) {
        if (shard->error) std::rethrow_exception(shard->error);
    }
    if (writer_stopped) summary.interrupted = true;
    for (auto& shard : shards) merge_deletions(summary, shard->deletions, options.max_reported_ids);
    progress.update(files_done, files.size(), written.load(), summary.bytes_read, true);
    summary.articles_indexed = written.load();
    summary.errors = diagnostics.errors() - errors_before;
    summary.warnings = diagnostics.warnings() - warnings_before;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

std::size_t delete_articles(const std::string& db_path, const std::vector<std::string>& ids) {
    // An id lives in the shard its hash names; every shard is asked, so that an article is found wherever
    // an older layout put it. Each shard commits on its own: a crash in between leaves a re-run to finish.
    std::size_t deleted = 0;
    for (const std::string& path : writable_shards(db_path, 0)) {
        Xapian::WritableDatabase db = open_writable_index(path);
        try {
            for (const std::string& id : ids) {
                const std::string term = schema::id_term(id);
                if (db.term_exists(term)) {
                    db.delete_document(term);
                    ++deleted;
                }
            }
            stamp_last_update(db);
            db.commit();
            db.close();
        } catch (const Xapian::Error& e) {
            throw common::EnvironmentError("cannot write to index '" + path + "': " + e.get_description());
        }
    }
    return deleted;
}

std::size_t write_articles(const std::string& db_path, std::vector<common::Article>& articles) {
    // Const after construction, so shared by the threads that write one after another.
    static const DocumentBuilder builder(make_index_analyzer(), DocumentBuilderOptions{});
    ArticleWriter writer(db_path);
    try {
        for (common::Article& article : articles) {
            BuiltDocument built = builder.build(article);
            writer.write(built);
        }
        writer.finish();
    } catch (const Xapian::Error& e) {
        throw common::EnvironmentError("cannot write to index '" + db_path + "': " + e.get_description());
    }
    return articles.size();
}

}  // namespace dateline::indexer
