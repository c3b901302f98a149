// Admission control for CPU-bound searches: at most N run at once, the others wait in arrival order.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

namespace dateline::server {

/// A counting semaphore that hands a freed slot to the longest-waiting caller (std::counting_semaphore
/// wakes an arbitrary one, which starves some requests). With more concurrent searches than cores, every
/// search shares the cores and a heavy one takes many times its own time; in arrival order, a request waits
/// for those ahead of it and then runs at full speed. Thread-safe.
class SearchGate {
  public:
    /// `slots` 0: no limit (enter() never waits).
    explicit SearchGate(std::size_t slots) : m_slots(slots), m_free(slots), m_unlimited(slots == 0) {}
    SearchGate(const SearchGate&) = delete;
    SearchGate& operator=(const SearchGate&) = delete;

    /// Holds a slot for its lifetime.
    class Pass {
      public:
        explicit Pass(SearchGate& gate) : m_gate(gate) { m_gate.enter(); }
        ~Pass() { m_gate.leave(); }
        Pass(const Pass&) = delete;
        Pass& operator=(const Pass&) = delete;

      private:
        SearchGate& m_gate;
    };

    /// Slots (0: no limit).
    std::size_t slots() const noexcept { return m_slots; }
    /// Callers waiting for a slot now.
    std::size_t waiting() const {
        const std::lock_guard lock(m_mutex);
        return m_waiting.size();
    }

    void enter() {
        if (m_unlimited) return;
        std::unique_lock lock(m_mutex);
        if (m_free > 0 && m_waiting.empty()) {
            --m_free;
            return;
        }
        const auto me = std::make_shared<Waiter>();
        m_waiting.push_back(me);
        me->wake.wait(lock, [&] { return me->granted; });
    }

    void leave() {
        if (m_unlimited) return;
        std::shared_ptr<Waiter> next;
        {
            const std::lock_guard lock(m_mutex);
            if (m_waiting.empty()) {
                ++m_free;
                return;
            }
            // The slot passes straight to the oldest waiter: no newcomer can take it in between.
            next = std::move(m_waiting.front());
            m_waiting.pop_front();
            next->granted = true;
        }
        // Woken after the mutex is released, the waiter does not wake only to block on it again (two
        // context switches per hand-over, measured as idle cores under load). The shared pointer keeps the
        // waiter's condition variable alive should it see `granted` and leave before this call.
        next->wake.notify_one();
    }

  private:
    struct Waiter {
        std::condition_variable wake;
        bool granted = false;
    };
    const std::size_t m_slots;
    mutable std::mutex m_mutex;
    std::size_t m_free;
    const bool m_unlimited;
    std::deque<std::shared_ptr<Waiter>> m_waiting;
};

}  // namespace dateline::server
