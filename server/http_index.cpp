// Per-thread reading handles with cheap reopen checks, and the serialised writer of the write routes.
#include "http_index.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"
#include "indexer/diagnostics.hpp"
#include "indexer/index_writer.hpp"
#include "indexer/json_source.hpp"

#include <nlohmann/json.hpp>

#include <cassert>
#include <memory>
#include <sstream>

namespace dateline::server {

namespace schema = common::schema;

namespace {

using Clock = std::chrono::steady_clock;

/// One worker thread's handle. Xapian handles are not thread-safe; each thread owns one.
struct ReaderSlot {
    std::uint64_t pool_id = 0;
    std::unique_ptr<searcher::Searcher> searcher;
    std::uint64_t generation = 0;
    Clock::time_point checked;
    /// Leases of this thread in progress (a handler may nest them).
    std::size_t leases = 0;
};

thread_local ReaderSlot t_slot;

std::atomic<std::uint64_t> g_next_pool_id{1};

}  // namespace

std::string article_id_term(const std::string& id) { return common::schema::id_term(id); }

ReaderPool::ReaderPool(std::vector<std::string> specs, searcher::SearchTuning tuning, std::chrono::milliseconds reopen_interval)
    : m_specs(std::move(specs)), m_tuning(std::move(tuning)), m_reopen_interval(reopen_interval), m_pool_id(g_next_pool_id++) {
    // Fail at startup, with open_index's message, rather than on the first request.
    searcher::open_index(m_specs);
}

ReaderPool::Lease ReaderPool::lease() {
    ReaderSlot& slot = t_slot;
    for (;;) {
        const auto now = Clock::now();
        const std::uint64_t generation = m_generation.load();
        if (slot.pool_id != m_pool_id || !slot.searcher) {
            // A thread uses one pool at a time: a lease of another pool would lose its Searcher here.
            assert(slot.leases == 0);
            slot.searcher = std::make_unique<searcher::Searcher>(searcher::open_index(m_specs), m_tuning);
            slot.pool_id = m_pool_id;
            slot.generation = generation;
            slot.checked = now;
        } else if (slot.leases == 0 && (generation != slot.generation || now - slot.checked >= m_reopen_interval)) {
            slot.generation = generation;
            slot.checked = now;
            if (shards_changed(slot.searcher->index().shards)) {
                // A shard was added (a new year of an index sharded by year): Xapian's reopen() keeps the
                // shards a database was opened with, so the index is opened again.
                slot.searcher = std::make_unique<searcher::Searcher>(searcher::open_index(m_specs), m_tuning);
            } else {
                // Xapian::Database is a reference-counted handle: reopening a copy reopens the Searcher's own.
                Xapian::Database db = slot.searcher->index().database;
                db.reopen();
            }
        }
        const std::lock_guard lock(m_mutex);
        // A write that ended since the check above: reopen again, or the next write may overwrite this read.
        if (slot.leases == 0 && slot.generation != m_generation.load()) continue;
        ++m_reading[slot.generation];
        ++slot.leases;
        return Lease(*this, *slot.searcher, slot.generation);
    }
}

bool ReaderPool::shards_changed(const std::vector<std::string>& opened) const {
    try {
        return searcher::index_shard_specs(m_specs) != opened;
    } catch (const common::Error&) {
        // A stub being replaced or unreadable for a moment: keep the shards the readers have.
        return false;
    }
}

ReaderPool::Lease::~Lease() { m_pool.release(m_generation); }

void ReaderPool::release(std::uint64_t generation) {
    {
        const std::lock_guard lock(m_mutex);
        const auto it = m_reading.find(generation);
        if (--it->second == 0) m_reading.erase(it);
        --t_slot.leases;
    }
    m_released.notify_all();
}

void ReaderPool::reopen_local() {
    ReaderSlot& slot = t_slot;
    if (slot.pool_id != m_pool_id || !slot.searcher) return;
    // A Searcher still leased is reopened in place, never replaced.
    if (slot.leases == 0 && shards_changed(slot.searcher->index().shards)) {
        slot.searcher = std::make_unique<searcher::Searcher>(searcher::open_index(m_specs), m_tuning);
    } else {
        Xapian::Database db = slot.searcher->index().database;
        db.reopen();
    }
    slot.checked = Clock::now();
}

void ReaderPool::write(const std::function<void()>& change) {
    std::unique_lock lock(m_mutex);
    // A handle that has seen generation g reads the revision of write g or a newer one. The revision before
    // the newest commit is what a new commit may overwrite; the newest survives it.
    m_released.wait(lock, [&] { return !m_writing && (m_reading.empty() || m_reading.begin()->first >= m_generation.load()); });
    m_writing = true;
    lock.unlock();
    struct Done {
        ReaderPool& pool;
        ~Done() {
            {
                const std::lock_guard relock(pool.m_mutex);
                pool.m_writing = false;
                ++pool.m_generation;
            }
            pool.m_released.notify_all();
        }
    } done{*this};
    change();
}

WriteOutcome ArticleWriter::put(const std::string& id, std::string_view json_object) {
    nlohmann::json object;
    try {
        object = indexer::parse_json(json_object);
    } catch (const indexer::JsonOverLimit& e) {
        throw common::BadInputError(std::string("request body refused: ") + e.what());
    } catch (const nlohmann::json::exception& e) {
        throw common::BadInputError(std::string("request body is not valid JSON: ") + e.what());
    }
    if (!object.is_object()) throw common::BadInputError("request body must be a JSON object with the article's fields");
    if (const auto it = object.find("id"); it != object.end() && !(it->is_string() && it->get<std::string>() == id)) {
        throw common::BadInputError("the body's id " + it->dump() + " differs from the id in the URL '" + id + "'");
    }
    object["id"] = id;
    // The same fields and checks as a record of dateline-index's JSON input.
    WriteOutcome outcome;
    indexer::Diagnostics diagnostics(outcome.errors, outcome.warnings);
    indexer::InputFile file;
    file.path = "-";
    file.display_name = "body";
    std::vector<common::Article> articles(1);
    if (!indexer::article_from_json(object, indexer::FieldMapping{}, file, 0, articles.front(), diagnostics)) return outcome;
    std::lock_guard lock(m_mutex);
    outcome.indexed = indexer::write_articles(m_path, articles);
    for (const common::Article& article : articles) outcome.ids.push_back(article.id);
    return outcome;
}

WriteOutcome ArticleWriter::put_lines(std::string_view json_lines) {
    // The reader of dateline-index's JSON Lines input, with the same checks; bad lines are reported.
    WriteOutcome outcome;
    indexer::Diagnostics diagnostics(outcome.errors, outcome.warnings);
    std::vector<common::Article> articles;
    indexer::JsonLinesSource source{indexer::FieldMapping{}};
    std::istringstream in{std::string(json_lines)};
    indexer::InputFile file;
    file.path = "-";
    file.display_name = "body";
    source.read(in, file, [&](common::Article&& article) { articles.push_back(std::move(article)); }, diagnostics);
    if (articles.empty()) return outcome;
    std::lock_guard lock(m_mutex);
    outcome.indexed = indexer::write_articles(m_path, articles);
    for (const common::Article& article : articles) outcome.ids.push_back(article.id);
    return outcome;
}

bool ArticleWriter::remove(const std::string& id) {
    std::lock_guard lock(m_mutex);
    return indexer::delete_articles(m_path, {id}) > 0;
}

}  // namespace dateline::server
