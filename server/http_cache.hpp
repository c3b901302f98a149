// A small LRU cache of API response bodies, keyed by request and tagged with the index revision they
// were computed on, so that popular searches and completions are answered without searching again.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace dateline::server {

/// Thread-safe LRU map from a request key to a response body. An entry answers only a request that sees
/// the same index revision, so a commit makes older entries unreachable (they age out).
class ResponseCache {
  public:
    /// `max_entries` 0 disables the cache; bodies longer than `max_body_bytes` are not kept.
    explicit ResponseCache(std::size_t max_entries, std::size_t max_body_bytes = 256 * 1024)
        : m_max_entries(max_entries), m_max_body_bytes(max_body_bytes) {}

    bool enabled() const noexcept { return m_max_entries > 0; }
    /// The body stored for `key` at `revision`, if any.
    std::optional<std::string> find(const std::string& key, std::uint64_t revision);
    void store(const std::string& key, std::uint64_t revision, std::string body);

    std::size_t hits() const noexcept;
    std::size_t misses() const noexcept;

  private:
    struct Entry {
        std::string key;
        std::uint64_t revision;
        std::string body;
    };
    std::size_t m_max_entries;
    std::size_t m_max_body_bytes;
    mutable std::mutex m_mutex;
    /// Most recently used first.
    std::list<Entry> m_entries;
    std::unordered_map<std::string, std::list<Entry>::iterator> m_index;
    std::size_t m_hits = 0;
    std::size_t m_misses = 0;
};

}  // namespace dateline::server
