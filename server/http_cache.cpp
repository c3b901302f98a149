// The response cache: a list in use order plus a hash index into it, under one mutex.
#include "http_cache.hpp"

namespace dateline::server {

std::optional<std::string> ResponseCache::find(const std::string& key, std::uint64_t revision) {
    if (!enabled()) return std::nullopt;
    std::lock_guard lock(m_mutex);
    const auto it = m_index.find(key);
    if (it == m_index.end() || it->second->revision != revision) {
        ++m_misses;
        return std::nullopt;
    }
    m_entries.splice(m_entries.begin(), m_entries, it->second);
    ++m_hits;
    return it->second->body;
}

void ResponseCache::store(const std::string& key, std::uint64_t revision, std::string body) {
    if (!enabled() || body.size() > m_max_body_bytes) return;
    std::lock_guard lock(m_mutex);
    if (const auto it = m_index.find(key); it != m_index.end()) {
        // Keep the entry of the newest revision when two workers on different revisions race.
        if (it->second->revision > revision) return;
        it->second->revision = revision;
        it->second->body = std::move(body);
        m_entries.splice(m_entries.begin(), m_entries, it->second);
        return;
    }
    m_entries.push_front(Entry{key, revision, std::move(body)});
    m_index.emplace(key, m_entries.begin());
    while (m_entries.size() > m_max_entries) {
        m_index.erase(m_entries.back().key);
        m_entries.pop_back();
    }
}

std::size_t ResponseCache::hits() const noexcept {
    std::lock_guard lock(m_mutex);
    return m_hits;
}

std::size_t ResponseCache::misses() const noexcept {
    std::lock_guard lock(m_mutex);
    return m_misses;
}

}  // namespace dateline::server
