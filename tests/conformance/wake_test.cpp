// SPDX-License-Identifier: MIT
// evsel: wake() and wait's timeout.
#include <array>
#include <atomic>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;

namespace {
using clock = std::chrono::steady_clock;

// Two readable sockets: one read recorded and not yet returned (held), then a wake.
struct record_held_then_wake {
  evsel::poller poller;
  tcp_pair a = make_tcp_pair();
  tcp_pair b = make_tcp_pair();
  evsel::socket* held = nullptr;

  record_held_then_wake() {
    REQUIRE_FALSE(poller.add(a.server, evsel::event::read, &a.server));
    REQUIRE_FALSE(poller.add(b.server, evsel::event::read, &b.server));
    send_all(a.client, "x");
    send_all(b.client, "x");
    // Both reported to the poller before the wait below, which takes one and holds the
    // other (the native backend records what the kernel signalled by the time a wait looks).
    std::this_thread::sleep_for(settle_window);
    held = &hold_one_record(poller, a.server, b.server);
    poller.wake();
  }
};
}  // namespace

TEST_CASE("wake from another thread ends a blocked wait", "[conformance][wake]") {
  evsel::poller poller;
  evsel::ready_record record;
  std::thread waker([&poller] {
    std::this_thread::sleep_for(ms(100));
    poller.wake();
  });
  std::error_code ec;
  const auto start = clock::now();
  const std::size_t n = poller.wait(&record, 1, ms(10000), ec);
  const auto took = clock::now() - start;
  waker.join();
  CHECK(n == 0);
  CHECK_FALSE(ec);
  CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("A wake before wait is kept: several wakes coalesce into one", "[conformance][wake]") {
  evsel::poller poller;
  poller.wake();
  poller.wake();
  poller.wake();
  evsel::ready_record record;
  std::error_code ec;
  auto start = clock::now();
  CHECK(poller.wait(&record, 1, ms(10000), ec) == 0);
  CHECK(clock::now() - start < std::chrono::seconds(5));
  // The coalesced wake is used up: this wait runs into its timeout.
  start = clock::now();
  CHECK(poller.wait(&record, 1, ms(200), ec) == 0);
  CHECK(clock::now() - start >= ms(150));
}

TEST_CASE("wait honours its timeout and a zero timeout only looks", "[conformance][wake]") {
  evsel::poller poller;
  tcp_pair pair = make_tcp_pair();
  REQUIRE_FALSE(poller.add(pair.server, evsel::event::read, &pair.server));
  evsel::ready_record record;
  std::error_code ec;
  auto start = clock::now();
  CHECK(poller.wait(&record, 1, ms(0), ec) == 0);
  CHECK(clock::now() - start < std::chrono::seconds(2));
  start = clock::now();
  CHECK(poller.wait(&record, 1, ms(250), ec) == 0);
  CHECK(clock::now() - start >= ms(200));
  CHECK_FALSE(ec);
}

TEST_CASE("wake never produces a record and never hides one", "[conformance][wake]") {
  evsel::poller poller;
  tcp_pair pair = make_tcp_pair();
  REQUIRE_FALSE(poller.add(pair.server, evsel::event::read, &pair.server));
  send_all(pair.client, "x");
  poller.wake();
  event_log log(poller);
  CHECK(log.next(&pair.server).occurred == evsel::event::read);
}

TEST_CASE("A timeout too long for the clock waits like infinite", "[conformance][wake]") {
  evsel::poller poller;
  // A backstop keeps the test bounded should the wake be lost: a datagram after 5 s.
  evsel::socket backstop = make_udp();
  evsel::socket sender = make_udp();
  REQUIRE_FALSE(poller.add(backstop, evsel::event::read, &backstop));
  std::atomic<bool> returned{false};
  std::thread waker([&] {
    std::this_thread::sleep_for(ms(200));
    poller.wake();
    const auto give_up = clock::now() + std::chrono::seconds(5);
    while (!returned && clock::now() < give_up) std::this_thread::sleep_for(ms(10));
    std::error_code ignored;
    if (!returned) sender.send_to("x", 1, endpoint_of(backstop), ignored);
  });
  evsel::ready_record record;
  std::error_code ec;
  const auto start = clock::now();
  const std::size_t n = poller.wait(&record, 1, ms::max(), ec);
  returned = true;
  const auto took = clock::now() - start;
  waker.join();
  CHECK(n == 0);  // ended by the wake, not by the backstop
  CHECK_FALSE(ec);
  CHECK(took >= ms(150));
}

// A wake is never swallowed by a wait that has records: that wait returns them and the wake
// stays pending, so the next wait returns 0 at once (docs/semantics.md, Threads).
TEST_CASE("A wake with a record ready: the record first then 0 at once then the timeout",
          "[conformance][wake]") {
  record_held_then_wake setup;
  evsel::poller& poller = setup.poller;
  evsel::socket& held = *setup.held;
  evsel::ready_record record;
  std::error_code ec;
  CHECK(poller.wait(&record, 1, ms(3000), ec) == 1);
  CHECK(record.context == &held);
  CHECK(record.occurred == evsel::event::read);
  auto start = clock::now();
  CHECK(poller.wait(&record, 1, ms(3000), ec) == 0);  // the wake, kept
  CHECK(clock::now() - start < ms(1000));
  start = clock::now();
  CHECK(poller.wait(&record, 1, ms(300), ec) == 0);  // used up: nothing else is recorded
  CHECK(clock::now() - start >= ms(250));
  CHECK_FALSE(ec);
}

TEST_CASE("A wait that returns 0 for a wake leaves the records for the next wait",
          "[conformance][wake]") {
  record_held_then_wake setup;
  evsel::poller& poller = setup.poller;
  evsel::socket& held = *setup.held;
  tcp_pair& a = setup.a;
  tcp_pair& b = setup.b;
  evsel::ready_record record;
  std::error_code ec;
  REQUIRE(poller.wait(&record, 1, ms(3000), ec) == 1);  // keeps the wake
  // The held record is gone; record one more, then the kept wake comes alone.
  evsel::socket& other = &held == &a.server ? b.server : a.server;
  char byte = 0;
  CHECK(other.recv(&byte, 1, ec, evsel::message_flags::peek) == 1);  // re-records read
  std::this_thread::sleep_for(ms(100));
  CHECK(poller.wait(&record, 1, ms(3000), ec) == 0);
  const auto start = clock::now();
  CHECK(poller.wait(&record, 1, ms(3000), ec) == 1);
  CHECK(record.context == &other);
  CHECK(clock::now() - start < ms(1000));
}

// The natural port of a WSAWaitForMultipleEvents loop whose event 0 is "rebuild": the loop
// looks at its hand-over queue only when wait returns 0. Every hand-over must still arrive
// while the sockets never stop being ready.
TEST_CASE("A loop that checks its hand-over queue only when wait returns 0 gets every item",
          "[conformance][wake][threads]") {
  constexpr std::size_t items = 200;
  constexpr std::size_t busy = 4;
  std::vector<tcp_pair> pairs = make_tcp_pairs(busy);
  evsel::poller poller;
  for (std::size_t i = 0; i < busy; ++i) {
    send_all(pairs[i].client, "ready");
    REQUIRE_FALSE(poller.add(pairs[i].server, evsel::event::read, index_context(i)));
  }
  std::mutex queue_lock;
  std::deque<std::size_t> queue;
  std::thread producer([&] {
    for (std::size_t item = 0; item < items; ++item) {
      {
        const std::lock_guard<std::mutex> hold(queue_lock);
        queue.push_back(item);
      }
      poller.wake();
      if (item % 4 == 0) std::this_thread::sleep_for(ms(1));
    }
  });
  std::size_t received = 0;
  std::size_t records = 0;
  std::size_t out_of_order = 0;
  std::array<evsel::ready_record, 16> ready;
  const auto give_up = clock::now() + std::chrono::seconds(10);
  while (received < items && clock::now() < give_up) {
    std::error_code ec;
    const std::size_t n = poller.wait(ready.data(), ready.size(), ms(200), ec);
    REQUIRE_FALSE(ec);
    if (n == 0) {
      const std::lock_guard<std::mutex> hold(queue_lock);
      for (; !queue.empty(); queue.pop_front()) out_of_order += queue.front() != received++;
    }
    for (std::size_t i = 0; i < n; ++i) {
      ++records;
      // A peek leaves the data: read is recorded again at once, so the sockets stay ready.
      char byte = 0;
      (void)pairs[context_index(ready[i].context)].server.recv(&byte, 1, ec,
                                                               evsel::message_flags::peek);
    }
  }
  producer.join();
  INFO(received << " of " << items << " hand-overs arrived, beside " << records << " records");
  CHECK(received == items);
  CHECK(out_of_order == 0);
  CHECK(records > 0);
}
