// SPDX-License-Identifier: MIT
// evsel: properties of the records themselves (the WSANETWORKEVENTS analogue, C05/C06).
#include <array>
#include <set>
#include <vector>

#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::all_events;
using evsel::event;

TEST_CASE("A record carries errors only for the events it holds", "[conformance][contract][C06]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(pair.server, all_events, &pair.server));
  std::array<evsel::ready_record, 4> records;
  for (auto& record : records) {
    record.occurred = all_events;
    record.errors.fill(std::make_error_code(std::errc::io_error));
  }
  std::error_code ec;
  REQUIRE(poller.wait(records.data(), records.size(), expect_window, ec) == 1);
  CHECK(records[0].occurred == event::write);
  CHECK(records[0].context == &pair.server);
  for (const std::error_code& slot : records[0].errors) CHECK_FALSE(slot);
  // Records past the returned count are left as they were.
  CHECK(records[1].occurred == all_events);
  CHECK(records[0].error(event::read | event::write) == std::error_code{});
}

TEST_CASE("One wait returns every ready socket up to its capacity, then the rest",
          "[conformance][contract][C13]") {
  std::vector<tcp_pair> pairs = make_tcp_pairs(5);
  evsel::poller poller;
  for (auto& pair : pairs) REQUIRE_FALSE(poller.add(pair.server, event::write, &pair.server));
  std::set<const void*> seen;
  std::array<evsel::ready_record, 3> records;
  std::error_code ec;
  for (int round = 0; round < 10 && seen.size() < pairs.size(); ++round) {
    const std::size_t n = poller.wait(records.data(), records.size(), expect_window, ec);
    REQUIRE_FALSE(ec);
    REQUIRE(n <= records.size());
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(records[i].occurred == event::write);
      CHECK(seen.insert(records[i].context).second);  // nobody twice
    }
  }
  CHECK(seen.size() == pairs.size());
}

TEST_CASE("modify can replace the context value", "[conformance][contract]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  int first = 0;
  int second = 0;
  REQUIRE_FALSE(poller.add(pair.server, event::read, &first));
  REQUIRE_FALSE(poller.modify(pair.server, event::read, &second));
  send_all(pair.client, "c");
  CHECK(log.next(&second).occurred == event::read);
  CHECK(log.quiet(&first).occurred == event::none);
}
