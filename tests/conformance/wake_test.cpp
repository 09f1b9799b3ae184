// SPDX-License-Identifier: MIT
// evsel: wake() and wait's timeout.
#include <atomic>
#include <thread>

#include <catch2/catch.hpp>

#include "support/harness.hpp"

using namespace evsel_test;

namespace {
using clock = std::chrono::steady_clock;
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
