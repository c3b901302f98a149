// Per-thread reading handles with cheap reopen checks, and the serialised writer of the write routes.
#include "http_index.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"
#include "indexer/diagnostics.hpp"
#include "indexer/document_builder.hpp"
#include "indexer/fingerprint.hpp"
#include "indexer/index_writer.hpp"
#include "indexer/source.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <sstream>

namespace dateline::searcher::http {

namespace schema = common::schema;

namespace {

using Clock = std::chrono::steady_clock;

/// One worker thread's handle. Xapian handles are not thread-safe; each thread owns one.
struct ReaderSlot {
    std::uint64_t pool_id = 0;
    std::unique_ptr<Searcher> searcher;
    std::uint64_t generation = 0;
    Clock::time_point checked;
};

thread_local ReaderSlot t_slot;

std::atomic<std::uint64_t> g_next_pool_id{1};

/// The builder of the write routes; const after construction, so shared by all threads.
const indexer::DocumentBuilder& shared_builder() {
    static const indexer::DocumentBuilder builder(indexer::make_index_analyzer(), indexer::DocumentBuilderOptions{});
    return builder;
}

}  // namespace

std::string article_id_term(const std::string& id) { return common::schema::id_term(id); }

ReaderPool::ReaderPool(std::vector<std::string> specs, SearchTuning tuning, std::chrono::milliseconds reopen_interval)
    : m_specs(std::move(specs)), m_tuning(std::move(tuning)), m_reopen_interval(reopen_interval), m_pool_id(g_next_pool_id++) {
    // Fail at startup, with open_index's message, rather than on the first request.
    open_index(m_specs);
}

Searcher& ReaderPool::local() {
    ReaderSlot& slot = t_slot;
    const auto now = Clock::now();
    if (slot.pool_id != m_pool_id || !slot.searcher) {
        slot.searcher = std::make_unique<Searcher>(open_index(m_specs), m_tuning);
        slot.pool_id = m_pool_id;
        slot.generation = m_generation.load();
        slot.checked = now;
    } else if (const std::uint64_t generation = m_generation.load();
               generation != slot.generation || now - slot.checked >= m_reopen_interval) {
        slot.generation = generation;
        slot.checked = now;
        // Xapian::Database is a reference-counted handle: reopening a copy reopens the Searcher's own.
        Xapian::Database db = slot.searcher->index().database;
        db.reopen();
    }
    return *slot.searcher;
}

void ReaderPool::reopen_local() {
    ReaderSlot& slot = t_slot;
    if (slot.pool_id != m_pool_id || !slot.searcher) return;
    Xapian::Database db = slot.searcher->index().database;
    db.reopen();
    slot.checked = Clock::now();
}

WriteOutcome ArticleWriter::put(const std::string& id, std::string_view json_object) {
    nlohmann::json object;
    try {
        object = nlohmann::json::parse(json_object);
    } catch (const nlohmann::json::exception& e) {
        throw common::BadInputError(std::string("request body is not valid JSON: ") + e.what());
    }
    if (!object.is_object()) throw common::BadInputError("request body must be a JSON object with the article's fields");
    if (const auto it = object.find("id"); it != object.end() && !(it->is_string() && it->get<std::string>() == id)) {
        throw common::BadInputError("the body's id " + it->dump() + " differs from the id in the URL '" + id + "'");
    }
    object["id"] = id;
    // One record on one line: the same reader as `dateline-index` JSON Lines, with the same checks.
    return write_lines(object.dump(), "body", &id);
}

WriteOutcome ArticleWriter::put_lines(std::string_view json_lines) { return write_lines(json_lines, "body", nullptr); }

WriteOutcome ArticleWriter::write_lines(std::string_view json_lines, const std::string& origin_name, const std::string* required_id) {
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages, /*quiet=*/true);
    std::vector<common::Article> articles;
    indexer::JsonLinesSource source{indexer::FieldMapping{}};
    std::istringstream in{std::string(json_lines)};
    indexer::InputFile file;
    file.path = "-";
    file.display_name = origin_name;
    source.read(in, file, [&](common::Article&& article) { articles.push_back(std::move(article)); }, diagnostics);

    WriteOutcome outcome;
    std::istringstream lines(messages.str());
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) outcome.errors.push_back(line);
    }
    if (articles.empty()) return outcome;

    std::lock_guard lock(m_mutex);
    Xapian::WritableDatabase db = indexer::open_writable_index(m_path);
    try {
        // As dateline-index writes (near-duplicates grouped the same way).
        indexer::NearDuplicateFinder duplicates(m_path);
        for (common::Article& article : articles) {
            if (required_id && article.id != *required_id) continue;
            indexer::BuiltDocument built = shared_builder().build(article);
            indexer::write_article(db, duplicates, built);
            ++outcome.indexed;
        }
        indexer::stamp_last_update(db);
        // Explicit commit: the destructor would swallow errors.
        db.commit();
        db.close();
    } catch (const Xapian::Error& e) {
        throw common::EnvironmentError("cannot write to index '" + m_path + "': " + e.get_description());
    }
    return outcome;
}

bool ArticleWriter::remove(const std::string& id) {
    std::lock_guard lock(m_mutex);
    Xapian::WritableDatabase db = indexer::open_writable_index(m_path);
    try {
        const std::string term = article_id_term(id);
        if (!db.term_exists(term)) return false;
        db.delete_document(term);
        indexer::stamp_last_update(db);
        db.commit();
        db.close();
        return true;
    } catch (const Xapian::Error& e) {
        throw common::EnvironmentError("cannot write to index '" + m_path + "': " + e.get_description());
    }
}

}  // namespace dateline::searcher::http
