// SearchGate: at most N holders at once, and waiters enter in arrival order.
#include "server/search_gate.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

using dateline::server::SearchGate;

namespace {

/// Waits until `gate` has `n` waiters (the threads started so far are queued), or fails after 10 s.
void wait_for_waiters(const SearchGate& gate, std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (gate.waiting() < n) {
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

}  // namespace

TEST_CASE("the search gate lets waiters in by arrival order", "[gate]") {
    SearchGate gate(1);
    gate.enter();  // the slot is held: every thread below waits
    std::mutex mutex;
    std::vector<int> order;
    std::vector<std::thread> threads;
    for (int k = 0; k < 6; ++k) {
        threads.emplace_back([&, k] {
            const SearchGate::Pass pass(gate);
            const std::lock_guard lock(mutex);
            order.push_back(k);
        });
        wait_for_waiters(gate, static_cast<std::size_t>(k) + 1);  // thread k is queued before k + 1 starts
    }
    gate.leave();
    for (auto& t : threads) t.join();
    CHECK(order == std::vector<int>{0, 1, 2, 3, 4, 5});
    CHECK(gate.waiting() == 0);
}

TEST_CASE("the search gate never lets in more than its slots", "[gate]") {
    SearchGate gate(2);
    std::atomic<int> inside{0};
    std::atomic<int> most_inside{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 8; ++k) {
        threads.emplace_back([&] {
            for (int round = 0; round < 20; ++round) {
                const SearchGate::Pass pass(gate);
                const int now = ++inside;
                int seen = most_inside.load();
                while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
                }
                std::this_thread::sleep_for(std::chrono::microseconds(200));
                --inside;
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(most_inside.load() == 2);
    CHECK(gate.waiting() == 0);
}

TEST_CASE("a gate without slots never waits", "[gate]") {
    SearchGate gate(0);
    for (int k = 0; k < 100; ++k) gate.enter();
    CHECK(gate.waiting() == 0);
    CHECK(gate.slots() == 0);
}
