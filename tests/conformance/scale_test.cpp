// SPDX-License-Identifier: MIT
// evsel: many sockets on one poller: no 64-socket limit, and nobody starves (G14, C13).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include <evsel/testing.hpp>

#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::event;

namespace {

// `count` accepted connections from one listener: the client ends and the server ends.
struct connections {
  std::vector<evsel::socket> clients;
  std::vector<evsel::socket> servers;
};

connections connect_many(std::size_t count) {
  raise_descriptor_limit(2 * count + 64);
  evsel::socket listener = make_listener();
  connections made;
  made.clients.reserve(count);
  made.servers.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    made.clients.push_back(start_connect(listener));
    made.servers.push_back(accept_one(listener));
  }
  return made;
}

// Waits with room for `capacity` records until `expected` records have come or the window
// ends; counts them per socket index (contexts from index_context).
std::vector<int> count_reports(evsel::poller& poller,
                               std::size_t sockets,
                               std::size_t expected,
                               std::size_t capacity,
                               ms window) {
  std::vector<int> seen(sockets, 0);
  std::vector<evsel::ready_record> records(capacity);
  std::size_t total = 0;
  const auto deadline = std::chrono::steady_clock::now() + window;
  while (total < expected && std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    const std::size_t n = poller.wait(records.data(), records.size(), 100ms, ec);
    REQUIRE_FALSE(ec);
    for (std::size_t i = 0; i < n; ++i) {
      const auto index = context_index(records[i].context);
      REQUIRE(index < sockets);
      CHECK(records[i].occurred == event::read);
      ++seen[index];
      ++total;
    }
  }
  return seen;
}

}  // namespace

TEST_CASE("A thousand registered sockets, each sent one message, are each reported once",
          "[conformance][scale]") {
  constexpr std::size_t count = 1000;
  connections made = connect_many(count);
  evsel::poller poller;
  for (std::size_t i = 0; i < count; ++i) {
    REQUIRE_FALSE(poller.add(made.servers[i], event::read, index_context(i)));
  }
  CHECK(poller.size() == count);
  for (auto& client : made.clients) send_all(client, "x");
  const std::vector<int> seen = count_reports(poller, count, count, 64, 20s);
  std::size_t once = 0;
  for (int n : seen) once += n == 1 ? 1 : 0;
  CHECK(once == count);
  // read is re-enabled only by recv: a further wait has nothing to report.
  CHECK(count_reports(poller, count, 1, 64, quiet_window) == std::vector<int>(count, 0));
}

TEST_CASE("A socket flooded at the first position never starves the others",
          "[conformance][scale][C13]") {
  constexpr std::size_t others = 200;
  constexpr std::size_t capacity = 16;
  connections made = connect_many(others + 1);
  evsel::poller poller;
  // Index 0, registered first, is the busy one: it is read from every time it is reported
  // and its peer has sent far more than one read takes.
  for (std::size_t i = 0; i <= others; ++i) {
    REQUIRE_FALSE(poller.add(made.servers[i], event::read, index_context(i)));
  }
  send_all(made.clients[0], std::string(64 * 1024, 'f'));
  for (std::size_t i = 1; i <= others; ++i) send_all(made.clients[i], "x");
  std::this_thread::sleep_for(settle_window);

  std::vector<int> seen(others + 1, 0);
  std::vector<evsel::ready_record> records(capacity);
  const std::size_t allowed = (others + 1 + capacity - 1) / capacity;
  std::size_t waits = 0;
  std::size_t reported_others = 0;
  for (; waits < allowed && reported_others < others; ++waits) {
    std::error_code ec;
    const std::size_t n = poller.wait(records.data(), records.size(), expect_window, ec);
    REQUIRE_FALSE(ec);
    for (std::size_t i = 0; i < n; ++i) {
      const auto index = context_index(records[i].context);
      REQUIRE(index <= others);
      ++seen[index];
      if (index == 0) {
        char chunk[512];
        REQUIRE(made.servers[0].recv(chunk, sizeof chunk, ec) == sizeof chunk);
      } else {
        ++reported_others;
      }
    }
  }
  INFO("waits allowed: " << allowed << ", taken: " << waits);
  CHECK(reported_others == others);
  for (std::size_t i = 1; i <= others; ++i) CHECK(seen[i] == 1);
  CHECK(seen[0] >= 1);
}

// A registration removed (or closed) without a wait afterwards is freed at once where the
// backend lets go of it, and otherwise within a bounded number of removes: a program that
// adds and removes for a long time without waiting holds no more than it registers.
TEST_CASE("add and remove without a wait in between do not pile up registrations",
          "[conformance][scale][rule9]") {
  // Under Wine every cycle is several wineserver round trips: fewer, but the same check.
  const std::size_t cycles = is_wine() ? 3000 : 20000;
  constexpr std::size_t bound = 2048;  // far below the cycles, far above what a batch holds
  tcp_pair pair = make_tcp_pair();
  evsel::socket datagrams = make_udp();
  evsel::poller poller;
  tcp_pair stays = make_tcp_pair();
  REQUIRE_FALSE(poller.add(stays.server, event::read, &stays.server));
  std::size_t most = 0;
  for (std::size_t i = 0; i < cycles; ++i) {
    // Both with waits outstanding when removed: read for the connection, read for UDP.
    REQUIRE_FALSE(poller.add(pair.server, event::read | event::write | event::close, &pair));
    REQUIRE_FALSE(poller.add(datagrams, event::read, &datagrams));
    REQUIRE_FALSE(poller.remove(pair.server));
    REQUIRE_FALSE(poller.remove(datagrams));
    if (i % 256 == 0) most = std::max(most, evsel::testing::registrations_held(poller));
  }
  most = std::max(most, evsel::testing::registrations_held(poller));
  INFO("at most " << most << " registrations held over " << cycles << " cycles");
  CHECK(poller.size() == 1);
  CHECK(most <= bound);
  // A few waits let go of the rest: only the live registration stays.
  std::array<evsel::ready_record, 4> ready;
  for (int i = 0; i < 10 && evsel::testing::registrations_held(poller) > 1; ++i) {
    std::error_code ec;
    (void)poller.wait(ready.data(), ready.size(), 10ms, ec);
  }
  CHECK(evsel::testing::registrations_held(poller) == 1);
}
