// SPDX-License-Identifier: MIT
// evsel: timers and sockets share one rotation: neither starves the other (T5).
#include <array>
#include <chrono>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "support/harness.hpp"
#include "support/records.hpp"

using namespace evsel_test;
using evsel::event;

namespace {
using clock = std::chrono::steady_clock;
}  // namespace

TEST_CASE("A storm of expired timers cannot starve a socket", "[conformance][timer]") {
  constexpr std::size_t count = 200;
  constexpr std::size_t capacity = 8;
  std::vector<evsel::timer> timers(count);
  evsel::poller poller;
  for (std::size_t i = 0; i < count; ++i) {
    REQUIRE_FALSE(poller.add(timers[i], index_context(i)));
    REQUIRE_FALSE(timers[i].arm_at(clock::now() - ms(1)));
  }
  tcp_pair pair = make_tcp_pair();
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  send_all(pair.client, "x");
  std::this_thread::sleep_for(settle_window);
  // Each timer whose record comes is expired again at once: the timers alone would fill
  // every wait forever.
  std::array<evsel::ready_record, capacity> ready;
  std::size_t waits = 0;
  bool socket_seen = false;
  while (!socket_seen && waits < count / capacity + 2) {
    std::error_code ec;
    const std::size_t n = poller.wait(ready.data(), ready.size(), expect_window, ec);
    REQUIRE_FALSE(ec);
    ++waits;
    for (std::size_t i = 0; i < n; ++i) {
      if (ready[i].context == &pair.server) {
        socket_seen = true;
        CHECK(ready[i].occurred == event::read);
        continue;
      }
      evsel::timer& t = timers[context_index(ready[i].context)];
      (void)t.take_expirations();
      REQUIRE_FALSE(t.arm(clock::duration::zero()));
    }
  }
  INFO("waits: " << waits);
  CHECK(socket_seen);
}

TEST_CASE("A flood of readable sockets cannot starve a timer", "[conformance][timer]") {
  constexpr std::size_t count = 16;
  constexpr std::size_t capacity = 4;
  std::vector<tcp_pair> pairs = make_tcp_pairs(count);
  evsel::poller poller;
  for (std::size_t i = 0; i < count; ++i) {
    REQUIRE_FALSE(poller.add(pairs[i].server, event::read, index_context(i)));
    send_all(pairs[i].client, "x");
  }
  evsel::timer t;
  REQUIRE_FALSE(poller.add(t, &t));
  REQUIRE_FALSE(t.arm(ms(100)));
  const auto planned = t.next_expiry();
  // A peek leaves the data and re-enables read: every socket is recorded again at once.
  std::array<evsel::ready_record, capacity> ready;
  std::size_t waits_after = 0;  // waits begun well after the planned time
  bool timer_seen = false;
  const auto give_up = planned + std::chrono::seconds(3);
  while (!timer_seen && clock::now() < give_up) {
    if (clock::now() > planned + ms(100)) ++waits_after;
    std::error_code ec;
    const std::size_t n = poller.wait(ready.data(), ready.size(), expect_window, ec);
    REQUIRE_FALSE(ec);
    const auto at = clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      if (ready[i].context == &t) {
        timer_seen = true;
        CHECK(is_timer_record(ready[i], &t));
        CHECK(at >= planned);
        continue;
      }
      char byte = 0;
      (void)pairs[context_index(ready[i].context)].server.recv(&byte, 1, ec,
                                                               evsel::message_flags::peek);
    }
  }
  INFO("waits begun 100 ms after the planned time: " << waits_after);
  REQUIRE(timer_seen);
  CHECK(waits_after <= count / capacity + 2);
}
