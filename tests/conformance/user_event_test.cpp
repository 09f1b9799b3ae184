// SPDX-License-Identifier: MIT
// evsel: user events beside the sockets: recorded once while set, again only after reset.
#include <chrono>
#include <system_error>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "support/harness.hpp"
#include "support/records.hpp"

using namespace evsel_test;
using evsel::errc;
using evsel::event;

namespace {
using clock = std::chrono::steady_clock;
}  // namespace

TEST_CASE("A set user event is recorded once with its context and no errors",
          "[conformance][user_event]") {
  evsel::user_event e;
  REQUIRE(e.valid());
  CHECK_FALSE(e.is_set());
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
  CHECK(collect(poller, quiet_window).empty());  // unset: nothing
  REQUIRE_FALSE(e.set());
  CHECK(e.is_set());
  CHECK(only_user_record(poller, &e));
  // Still set, not reset: setting it again records nothing.
  REQUIRE_FALSE(e.set());
  CHECK(collect(poller, quiet_window).empty());
  CHECK(e.is_set());
}

TEST_CASE("After reset a new set records the user event again", "[conformance][user_event]") {
  evsel::user_event e;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    REQUIRE_FALSE(e.set());
    CHECK(only_user_record(poller, &e));
    REQUIRE_FALSE(e.reset());
    CHECK_FALSE(e.is_set());
    CHECK(collect(poller, quiet_window).empty());  // reset alone records nothing
  }
  // Set and reset before any wait looked: nothing is left to record.
  REQUIRE_FALSE(e.set());
  REQUIRE_FALSE(e.reset());
  CHECK(collect(poller, quiet_window).empty());
}

TEST_CASE("reset or remove takes back a user event record collected but not yet returned",
          "[conformance][user_event]") {
  evsel::user_event a;
  evsel::user_event b;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(a, &a));
  REQUIRE_FALSE(poller.add(b, &b));
  REQUIRE_FALSE(a.set());
  REQUIRE_FALSE(b.set());
  std::this_thread::sleep_for(settle_window);  // both seen by the backend before the wait
  evsel::user_event& held = hold_one_record(poller, a, b);

  SECTION("without either call the held record is the next one") {
    CHECK(only_user_record(poller, &held));
  }
  SECTION("reset") {
    REQUIRE_FALSE(held.reset());
    CHECK(collect(poller, quiet_window).empty());
    REQUIRE_FALSE(held.set());  // re-enabled: recorded again
    CHECK(only_user_record(poller, &held));
  }
  SECTION("remove") {
    REQUIRE_FALSE(poller.remove(held));
    CHECK(poller.size() == 1);
    CHECK(collect(poller, quiet_window).empty());
    CHECK(held.is_set());  // remove leaves the event itself alone
  }
}

TEST_CASE("Two user events on one poller are recorded apart from each other and from sockets",
          "[conformance][user_event]") {
  evsel::user_event a;
  evsel::user_event b;
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(a, &a));
  REQUIRE_FALSE(poller.add(b, &b));
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  REQUIRE_FALSE(a.set());
  send_all(pair.client, "x");
  std::this_thread::sleep_for(settle_window);
  const std::vector<evsel::ready_record> seen = next_records(poller);
  CHECK(count_for(seen, &b) == 0);
  REQUIRE(count_for(seen, &a) == 1);
  REQUIRE(count_for(seen, &pair.server) == 1);
  for (const auto& r : seen) {
    // A socket's record never carries a user event's bit, nor the reverse.
    CHECK((r.context == &a ? is_user_record(r, &a) : r.occurred == event::read));
  }
  REQUIRE_FALSE(b.set());
  CHECK(only_user_record(poller, &b));
}

TEST_CASE("User events on two pollers: each poller sees only its own",
          "[conformance][user_event]") {
  evsel::user_event first_event;
  evsel::user_event second_event;
  evsel::poller first;
  evsel::poller second;
  REQUIRE_FALSE(first.add(first_event, &first_event));
  REQUIRE_FALSE(second.add(second_event, &second_event));
  REQUIRE_FALSE(first_event.set());
  CHECK(only_user_record(first, &first_event));
  CHECK(collect(second, quiet_window).empty());
  REQUIRE_FALSE(second_event.set());
  CHECK(only_user_record(second, &second_event));
  CHECK(collect(first, quiet_window).empty());
}

TEST_CASE("A user event set before add is recorded at the first wait, after remove never",
          "[conformance][user_event]") {
  evsel::user_event e;
  REQUIRE_FALSE(e.set());
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
  const one_wait w = wait_once(poller, expect_window);
  REQUIRE(w.n == 1);
  CHECK(is_user_record(w.record, &e));
  CHECK(w.took < std::chrono::seconds(1));
  REQUIRE_FALSE(poller.remove(e));
  CHECK(poller.size() == 0);
  REQUIRE_FALSE(e.reset());
  REQUIRE_FALSE(e.set());  // set while not registered: no poller may report it
  CHECK(collect(poller, quiet_window).empty());
  CHECK(poller.remove(e) == errc::not_registered);
}

TEST_CASE("An empty user event refuses set, reset, add and remove with invalid_argument",
          "[conformance][user_event][errors]") {
  std::error_code ec;
  evsel::user_event made(ec);
  REQUIRE_FALSE(ec);
  REQUIRE(made.valid());
  evsel::user_event taker(std::move(made));
  CHECK(taker.valid());
  // The moved-from event is what is tested here.
  CHECK_FALSE(made.valid());  // NOLINT(bugprone-use-after-move)
  CHECK(made.set() == errc::invalid_argument);
  CHECK(made.reset() == errc::invalid_argument);
  CHECK_FALSE(made.is_set());
  evsel::poller poller;
  CHECK(poller.add(made, &made) == errc::invalid_argument);
  CHECK(poller.remove(made) == errc::invalid_argument);
  CHECK(poller.size() == 0);
}

TEST_CASE("A user event is registered with one poller at a time",
          "[conformance][user_event][errors]") {
  evsel::user_event e;
  evsel::poller first;
  evsel::poller second;
  REQUIRE_FALSE(first.add(e, &e));
  CHECK(first.add(e, &e) == errc::already_registered);
  CHECK(second.add(e, &e) == errc::already_registered);
  CHECK(second.remove(e) == errc::not_registered);
  CHECK(first.size() == 1);
  CHECK(second.size() == 0);
  // The failed calls changed nothing: the first poller reports it, the second does not.
  REQUIRE_FALSE(e.set());
  CHECK(only_user_record(first, &e));
  CHECK(collect(second, quiet_window).empty());
}

TEST_CASE("A moved user event keeps its registration", "[conformance][user_event]") {
  evsel::poller poller;
  evsel::user_event original;
  REQUIRE_FALSE(poller.add(original, &original));
  evsel::user_event moved(std::move(original));
  CHECK(poller.size() == 1);
  REQUIRE_FALSE(moved.set());
  CHECK(only_user_record(poller, &original));  // the context given to add
  CHECK(poller.add(moved, &moved) == errc::already_registered);
  REQUIRE_FALSE(poller.remove(moved));
  CHECK(poller.size() == 0);
}

TEST_CASE("Destroying a registered user event removes it and its record",
          "[conformance][user_event][lifecycle]") {
  evsel::poller poller;
  evsel::user_event other;
  REQUIRE_FALSE(poller.add(other, &other));
  int marker = 0;  // the context: not the event's address, which is gone below
  const void* gone = &marker;
  {
    evsel::user_event e;
    REQUIRE_FALSE(poller.add(e, &marker));
    CHECK(poller.size() == 2);
    REQUIRE_FALSE(e.set());  // a record to come, which the destructor must take back
  }
  CHECK(poller.size() == 1);
  CHECK(count_for(collect(poller, quiet_window), gone) == 0);
  REQUIRE_FALSE(other.set());  // the poller goes on with the other event
  CHECK(only_user_record(poller, &other));
}

TEST_CASE("poller size counts sockets, user events and timers", "[conformance][user_event]") {
  evsel::poller poller;
  tcp_pair pair = make_tcp_pair();
  evsel::user_event e;
  evsel::timer t;
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  REQUIRE_FALSE(poller.add(e, &e));
  REQUIRE_FALSE(poller.add(t, &t));
  CHECK(poller.size() == 3);
  REQUIRE_FALSE(poller.remove(e));
  CHECK(poller.size() == 2);
  REQUIRE_FALSE(poller.remove(pair.server));
  CHECK(poller.size() == 1);
  REQUIRE_FALSE(poller.remove(t));
  CHECK(poller.size() == 0);
}

// The poller's destructor is documented for sockets ("they stay open and usable"); the same
// is expected of user events and timers: registered nowhere afterwards, state kept.
TEST_CASE("A poller destroyed first leaves its user events and timers usable elsewhere",
          "[conformance][user_event][lifecycle]") {
  evsel::user_event e;
  evsel::timer t;
  {
    evsel::poller poller;
    REQUIRE_FALSE(poller.add(e, &e));
    REQUIRE_FALSE(poller.add(t, &t));
    REQUIRE_FALSE(e.set());
    REQUIRE_FALSE(t.arm_at(clock::now()));
  }
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
  REQUIRE_FALSE(poller.add(t, &t));
  const std::vector<evsel::ready_record> seen = next_records(poller);
  CHECK(count_for(seen, &e) == 1);
  CHECK(count_for(seen, &t) == 1);
  CHECK(t.take_expirations() == 1);
}
