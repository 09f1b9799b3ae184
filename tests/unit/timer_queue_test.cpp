// SPDX-License-Identifier: MIT
// evsel: the engine's timer queue against a plain reference, under random schedules,
// moves and cancels (the queue is internal; this suite compiles it in, see CMakeLists.txt).
#include "../src/timer_queue.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "support/catch.hpp"

namespace {

using evsel::detail::timed_entry;
using evsel::detail::timer_queue;
using time_point = std::chrono::steady_clock::time_point;

time_point at(int ms) {
  return time_point{} + std::chrono::milliseconds(ms);
}

// The earliest due time among queued entries, as the reference sees it.
time_point earliest(const std::vector<timed_entry>& entries) {
  time_point first = time_point::max();
  for (const timed_entry& e : entries) {
    if (e.queued()) first = std::min(first, e.due);
  }
  return first;
}

}  // namespace

TEST_CASE("The timer queue gives the earliest entry first and follows moves and cancels",
          "[unit][timer_queue]") {
  std::mt19937 random(20261207);
  constexpr std::size_t count = 200;
  std::vector<timed_entry> entries(count);
  timer_queue queue;
  REQUIRE_FALSE(queue.reserve(count));
  for (int round = 0; round < 20000; ++round) {
    timed_entry& e = entries[random() % count];
    switch (random() % 4) {
      case 0:
      case 1:
        queue.schedule(e, at(static_cast<int>(random() % 1000)));  // queue or move
        break;
      case 2:
        queue.cancel(e);
        break;
      default:
        if (!queue.empty()) {
          // The first is the earliest; popping unqueues it.
          timed_entry& first = queue.first();
          CHECK(first.due == earliest(entries));
          queue.pop();
          CHECK_FALSE(first.queued());
        }
        break;
    }
    const auto queued = static_cast<std::size_t>(std::count_if(
        entries.begin(), entries.end(), [](const timed_entry& t) { return t.queued(); }));
    REQUIRE(queue.size() == queued);
  }
  // Drained in order.
  time_point last{};
  while (!queue.empty()) {
    CHECK(queue.first().due >= last);
    last = queue.first().due;
    queue.pop();
  }
  for (const timed_entry& e : entries) CHECK_FALSE(e.queued());
}

TEST_CASE("The timer queue keeps equal due times and a cancel of the last slot whole",
          "[unit][timer_queue]") {
  std::vector<timed_entry> entries(5);
  timer_queue queue;
  REQUIRE_FALSE(queue.reserve(entries.size()));
  for (timed_entry& e : entries) queue.schedule(e, at(7));
  queue.cancel(entries.back());   // the heap's last slot
  queue.cancel(entries.front());  // the root
  CHECK(queue.size() == 3);
  queue.schedule(entries[2], at(3));
  CHECK(&queue.first() == &entries[2]);
  queue.schedule(entries[2], at(9));  // moved later: another takes the front
  CHECK(queue.first().due == at(7));
  int popped = 0;
  while (!queue.empty()) {
    queue.pop();
    ++popped;
  }
  CHECK(popped == 3);
}
