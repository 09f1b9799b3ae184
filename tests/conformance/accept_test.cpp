// SPDX-License-Identifier: MIT
// evsel: the accept event and accepted sockets (C20-C22, C52; docs/semantics.md rules 1 and 6).
#include <evsel/testing.hpp>

#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::all_events;
using evsel::event;

TEST_CASE("An accepted socket is unregistered and non-blocking, and reports write then read",
          "[conformance][accept][C20]") {
  evsel::socket listener = make_listener();
  evsel::socket client = start_connect(listener);
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(listener,
                           event::connect | event::read | event::oob | event::accept | event::write,
                           &listener));
  CHECK(log.next(&listener).occurred == event::accept);
  std::error_code ec;
  evsel::socket accepted = listener.accept(ec);
  REQUIRE_FALSE(ec);
  // Windows lets the accepted socket inherit the listener's selection; evsel cancels it.
  send_all(client, "x");
  CHECK(log.quiet(&listener).occurred == event::none);
  CHECK(poller.size() == 1);
  CHECK(poller.remove(accepted) == evsel::errc::not_registered);

  REQUIRE_FALSE(poller.add(accepted, all_events, &accepted));
  CHECK(log.next(&accepted).occurred == (event::write | event::read));
  CHECK(recv_exact(accepted, 1) == "x");
  char byte = 0;
  accepted.recv(&byte, 1, ec);
  CHECK(ec == evsel::errc::would_block);
  CHECK(log.quiet(&accepted).occurred == event::none);
}

TEST_CASE("accept is reported once per re-enabling accept, never on re-selection",
          "[conformance][accept][C21]") {
  evsel::socket listener = make_listener();
  evsel::poller poller;
  event_log log(poller);
  const event mask = event::connect | event::read | event::oob | event::accept;
  REQUIRE_FALSE(poller.add(listener, mask, &listener));
  CHECK(log.quiet(&listener).occurred == event::none);

  evsel::socket client1 = start_connect(listener);
  CHECK(log.next(&listener).occurred == event::accept);
  CHECK(log.quiet(&listener).occurred == event::none);
  REQUIRE_FALSE(poller.modify(listener, mask));
  CHECK(log.quiet(&listener).occurred == event::none);
  REQUIRE_FALSE(poller.modify(listener, event::none));
  REQUIRE_FALSE(poller.modify(listener, mask));
  CHECK(log.quiet(&listener).occurred == event::none);

  // A second arrival before any accept: evsel does not deliver accept again until the
  // re-enabling accept (Windows' re-record on new arrival after re-selection, C21 step
  // 5, is normalized away; see docs/semantics.md).
  evsel::socket client2 = start_connect(listener);
  REQUIRE(wait_alone(client2, event::connect).has(event::connect));
  CHECK(log.quiet(&listener).occurred == event::none);

  std::error_code ec;
  evsel::socket first = listener.accept(ec);
  REQUIRE_FALSE(ec);
  CHECK(log.next(&listener).occurred == event::accept);  // one more is queued
  evsel::socket second = listener.accept(ec);
  REQUIRE_FALSE(ec);
  CHECK(log.quiet(&listener).occurred == event::none);
  evsel::socket none = listener.accept(ec);
  CHECK(ec == evsel::errc::would_block);
  CHECK_FALSE(none.is_open());

  evsel::socket client3 = start_connect(listener);
  CHECK(log.next(&listener).occurred == event::accept);
}

TEST_CASE("A connection queued before accept is selected is reported: one accepted before is not",
          "[conformance][accept][C22]") {
  const event subset = event::connect | event::read | event::oob;
  {
    evsel::socket listener = make_listener();
    evsel::socket client = start_connect(listener);
    REQUIRE(wait_alone(client, event::connect).has(event::connect));
    evsel::poller poller;
    event_log log(poller);
    REQUIRE_FALSE(poller.add(listener, subset | event::accept, &listener));
    CHECK(log.next(&listener).occurred == event::accept);
  }
  {
    evsel::socket listener = make_listener();
    evsel::poller poller;
    event_log log(poller);
    REQUIRE_FALSE(poller.add(listener, subset, &listener));
    evsel::socket client = start_connect(listener);
    REQUIRE(wait_alone(client, event::connect).has(event::connect));
    CHECK(log.quiet(&listener).occurred == event::none);
    REQUIRE_FALSE(poller.modify(listener, subset | event::accept));
    CHECK(log.next(&listener).occurred == event::accept);
  }
  {
    evsel::socket listener = make_listener();
    evsel::poller poller;
    event_log log(poller);
    REQUIRE_FALSE(poller.add(listener, subset, &listener));
    evsel::socket client = start_connect(listener);
    REQUIRE(wait_alone(client, event::connect).has(event::connect));
    evsel::socket accepted = accept_one(listener);
    REQUIRE_FALSE(poller.modify(listener, subset | event::accept));
    CHECK(log.quiet(&listener).occurred == event::none);
  }
}

TEST_CASE("accept before wait clears the accept event: a remaining connection records it again",
          "[conformance][accept][C52]") {
  evsel::socket listener = make_listener();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(listener, event::accept, &listener));
  evsel::socket client = start_connect(listener);
  REQUIRE(wait_alone(client, event::connect).has(event::connect));
  evsel::socket accepted = accept_one(listener);
  CHECK(log.quiet(&listener).occurred == event::none);

  evsel::socket client2 = start_connect(listener);
  evsel::socket client3 = start_connect(listener);
  REQUIRE(wait_alone(client2, event::connect).has(event::connect));
  REQUIRE(wait_alone(client3, event::connect).has(event::connect));
  CHECK(log.next(&listener).occurred == event::accept);
  evsel::socket second = accept_one(listener);
  CHECK(log.next(&listener).occurred == event::accept);
  evsel::socket third = accept_one(listener);
  CHECK(log.quiet(&listener).occurred == event::none);
}

TEST_CASE("An accept that empties the queue takes back an accept recorded but not yet returned",
          "[conformance][accept][C52]") {
  evsel::socket first = make_listener();
  evsel::socket second = make_listener();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(first, event::accept, &first));
  REQUIRE_FALSE(poller.add(second, event::accept, &second));
  evsel::socket client1 = start_connect(first);
  evsel::socket client2 = start_connect(second);
  REQUIRE(wait_alone(client1, event::connect).has(event::connect));
  REQUIRE(wait_alone(client2, event::connect).has(event::connect));
  evsel::socket& held = hold_one_record(poller, first, second);
  std::error_code ec;
  evsel::socket accepted = held.accept(ec);
  REQUIRE_FALSE(ec);
  event_log log(poller);
  CHECK(log.quiet(&held).occurred == event::none);
}

TEST_CASE("Data that arrived before accept is reported when the accepted socket is added",
          "[conformance][accept][C51]") {
  evsel::socket listener = make_listener();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(
      poller.add(listener, event::accept | event::read | event::write | event::close, &listener));
  evsel::socket client = start_connect(listener);
  REQUIRE(wait_alone(client, event::connect).has(event::connect));
  send_all(client, "early");
  CHECK(log.next(&listener).occurred == event::accept);
  evsel::socket accepted = accept_one(listener);
  REQUIRE_FALSE(poller.add(accepted, event::read | event::write | event::close, &accepted));
  CHECK(log.next(&accepted).occurred == (event::read | event::write));
  CHECK(recv_exact(accepted, 5) == "early");
}

// A queued connection holds at add, and still after an accept that leaves one: the first
// zero wait returns accept (poller.hpp: recorded at once; "zero: just look").
TEST_CASE("A zero wait right after add or after an accept that leaves one queued returns accept",
          "[conformance][accept][C21][C22][C52]") {
  for (int round = 0; round < 5; ++round) {
    evsel::socket listener = make_listener();
    evsel::socket client1 = start_connect(listener);
    evsel::socket client2 = start_connect(listener);
    REQUIRE(wait_alone(client1, event::connect).has(event::connect));
    REQUIRE(wait_alone(client2, event::connect).has(event::connect));
    evsel::poller poller;
    event_log log(poller);
    REQUIRE_FALSE(poller.add(listener, event::accept, &listener));
    CHECK(look_once(poller, &listener).occurred == event::accept);
    std::error_code ec;
    evsel::socket first = listener.accept(ec);
    REQUIRE_FALSE(ec);
    CHECK(look_once(poller, &listener).occurred == event::accept);
    evsel::socket second = listener.accept(ec);
    REQUIRE_FALSE(ec);
    CHECK(log.quiet(&listener, ms(50)).occurred == event::none);
  }
}

// The listener's history must not be lost with its registration: after remove and add,
// an accept that fails without taking a connection (here an injected connection_aborted,
// which the OS never sees) re-enables accept, and the connections still queued bring it back.
TEST_CASE("After remove and add a failed accept with connections queued brings accept back",
          "[conformance][accept][C21][C52]") {
  evsel::socket listener = make_listener();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(listener, event::accept, &listener));
  evsel::socket client1 = start_connect(listener);
  REQUIRE(wait_alone(client1, event::connect).has(event::connect));
  CHECK(log.next(&listener).occurred == event::accept);
  REQUIRE_FALSE(poller.remove(listener));
  REQUIRE_FALSE(poller.add(listener, event::accept, &listener));
  CHECK(log.quiet(&listener).occurred == event::none);  // delivered, not re-enabled
  evsel::socket client2 = start_connect(listener);
  REQUIRE(wait_alone(client2, event::connect).has(event::connect));
  evsel::testing::fail_next_accepts(1, make_error_code(std::errc::connection_aborted));
  std::error_code ec;
  CHECK_FALSE(listener.accept(ec).is_open());
  CHECK(ec == evsel::errc::connection_aborted);
  CHECK(log.next(&listener).occurred == event::accept);
  evsel::socket first = listener.accept(ec);
  CHECK_FALSE(ec);
  CHECK(log.next(&listener).occurred == event::accept);
  evsel::socket second = listener.accept(ec);
  CHECK_FALSE(ec);
  CHECK(log.quiet(&listener).occurred == event::none);
}
