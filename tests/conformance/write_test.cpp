// SPDX-License-Identifier: MIT
// evsel: the write event: once when connected, then only after a send that would block (4.D).
#include <string>

#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::all_events;
using evsel::event;

namespace {

// The peer reads everything, while `log` collects what `writer` reports; returns the
// number of write events seen and checks that every byte arrived.
std::size_t drain_and_count_writes(evsel::socket& reader,
                                   std::size_t expected,
                                   event_log& log,
                                   const void* writer) {
  std::size_t received = 0;
  std::size_t writes = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (received < expected && std::chrono::steady_clock::now() < deadline) {
    received += drain(reader).size();
    if (log.next(writer, ms(20)).has(event::write)) ++writes;
  }
  CHECK(received == expected);
  if (log.next(writer).has(event::write)) ++writes;
  return writes;
}

}  // namespace

TEST_CASE("write comes once per connection: successful sends are silent",
          "[conformance][write][C26]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, all_events, &pair.server));
  CHECK(log.next(&pair.server).occurred == event::write);
  CHECK(log.quiet(&pair.server).occurred == event::none);
  REQUIRE_FALSE(poller.modify(pair.server, all_events));
  CHECK(log.quiet(&pair.server).occurred == event::none);
  REQUIRE_FALSE(poller.modify(pair.server, event::none));
  REQUIRE_FALSE(poller.modify(pair.server, all_events));
  CHECK(log.quiet(&pair.server).occurred == event::none);
  send_all(pair.server, "hello");
  CHECK(log.quiet(&pair.server).occurred == event::none);
  CHECK(recv_exact(pair.client, 5) == "hello");
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

TEST_CASE("write comes again exactly once after a send that would block",
          "[conformance][write][C27]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, all_events, &pair.server));
  CHECK(log.next(&pair.server).occurred == event::write);
  const std::size_t sent = fill_until_blocked(pair.server);
  CHECK(sent > 0);
  // The peer drains everything; exactly one write arrives between the block and the end
  // of the drain (on loopback it may come before the peer reads, C27 variant).
  CHECK(drain_and_count_writes(pair.client, sent, log, &pair.server) == 1);
  CHECK(log.quiet(&pair.server).occurred == event::none);
  REQUIRE_FALSE(poller.modify(pair.server, event::none));
  REQUIRE_FALSE(poller.modify(pair.server, all_events));
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

TEST_CASE("write selected later is still reported once: a send does not clear it",
          "[conformance][write][C28]") {
  evsel::poller poller;
  event_log log(poller);
  tcp_pair pair = make_tcp_pair();
  send_all(pair.client, "hello");
  const event without_write = event::accept | event::connect | event::oob | event::read;
  REQUIRE_FALSE(poller.add(pair.client, without_write, &pair.client));
  CHECK(log.next(&pair.client).occurred == event::connect);
  CHECK(log.quiet(&pair.client).occurred == event::none);
  REQUIRE_FALSE(poller.modify(pair.client, without_write | event::write));
  CHECK(log.next(&pair.client).occurred == event::write);

  tcp_pair other = make_tcp_pair();
  REQUIRE_FALSE(poller.add(other.server, event::read | event::write, &other.server));
  send_all(other.server, "abcde");  // before the application looks: write stays recorded
  CHECK(log.next(&other.server).occurred == event::write);
}

TEST_CASE("A write recorded while outside the mask comes when the mask widens",
          "[conformance][write][C50]") {
  evsel::socket listener = make_listener();
  evsel::socket client = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
  evsel::socket other = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(client, event::read | event::write, &client));
  REQUIRE_FALSE(poller.add(other, event::write, &other));
  REQUIRE_FALSE(client.connect(endpoint_of(listener)));
  REQUIRE_FALSE(other.connect(endpoint_of(listener)));
  evsel::socket& held = hold_one_record(poller, client, other);
  REQUIRE(wait_alone(listener, event::accept).has(event::accept));
  REQUIRE_FALSE(poller.modify(held, event::read));
  CHECK(log.quiet(&held).occurred == event::none);
  REQUIRE_FALSE(poller.modify(held, event::read | event::write));
  CHECK(log.next(&held).occurred == event::write);
}

TEST_CASE("write comes once space is back, also for a socket registered again meanwhile",
          "[conformance][write][C27]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::write, &pair.server));
  CHECK(log.next(&pair.server).occurred == event::write);
  const std::size_t sent = fill_until_blocked(pair.server);
  REQUIRE_FALSE(poller.remove(pair.server));
  REQUIRE_FALSE(poller.add(pair.server, event::write | event::read, &pair.server));
  CHECK(drain_and_count_writes(pair.client, sent, log, &pair.server) == 1);
}

TEST_CASE("A send that would block before registration leads to one write event",
          "[conformance][write][C27]") {
  tcp_pair pair = make_tcp_pair();
  const std::size_t sent = fill_until_blocked(pair.server);
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::write, &pair.server));
  CHECK(drain_and_count_writes(pair.client, sent, log, &pair.server) == 1);
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

// write is recorded once when connected (rule 1), and a condition that holds at add is
// recorded at once (poller.hpp): the first zero wait returns it, and only that one.
TEST_CASE("A zero wait right after add of a connected socket returns write once",
          "[conformance][write][C26]") {
  for (int round = 0; round < 10; ++round) {
    tcp_pair pair = make_tcp_pair();
    evsel::poller poller;
    event_log log(poller);
    REQUIRE_FALSE(poller.add(pair.server, event::read | event::write | event::close, &pair.server));
    CHECK(look_once(poller, &pair.server).occurred == event::write);
    CHECK(log.quiet(&pair.server, ms(50)).occurred == event::none);
  }
}
