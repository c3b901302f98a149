// Objects built from one state of an index (its shards, revisions...), shared by the Searchers of a process.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dateline::searcher {

/// The objects of the last few index states, so that Searchers whose handles lag behind a commit still
/// find theirs. Thread-safe.
template <typename T>
class StateCache {
  public:
    explicit StateCache(std::size_t kept) : m_kept(kept) {}

    /// The object built for `state`, or null.
    std::shared_ptr<const T> find(const std::string& state) const {
        const std::lock_guard lock(m_mutex);
        const auto it = m_by_state.find(state);
        return it == m_by_state.end() ? nullptr : it->second;
    }

    /// Keeps `value` for `state` unless one is kept already, and returns the one kept; forgets the oldest
    /// state beyond the number kept.
    std::shared_ptr<const T> store(const std::string& state, std::shared_ptr<const T> value) {
        const std::lock_guard lock(m_mutex);
        const auto [it, added] = m_by_state.emplace(state, std::move(value));
        if (added) {
            m_order.push_back(state);
            if (m_order.size() > m_kept) {
                m_by_state.erase(m_order.front());
                m_order.erase(m_order.begin());
            }
        }
        return it->second;
    }

  private:
    const std::size_t m_kept;
    mutable std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<const T>> m_by_state;
    std::vector<std::string> m_order;  ///< oldest first
};

}  // namespace dateline::searcher
