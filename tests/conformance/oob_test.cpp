// SPDX-License-Identifier: MIT
// evsel: the oob event: one urgent byte, inline mode (section 4.G, rule 8).
#include <string>

#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::event;
using evsel::message_flags;

namespace {

// "abc" in the stream, then the urgent byte 'X'.
void send_abc_then_urgent(tcp_pair& pair) {
  send_all(pair.client, "abc");
  std::error_code ec;
  CHECK(pair.client.send("X", 1, ec, message_flags::oob) == 1);
}

}  // namespace

TEST_CASE("One urgent byte is reported once as oob and read with the oob flag",
          "[conformance][oob][C41]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  const event mask = event::accept | event::close | event::connect | event::oob | event::read;
  REQUIRE_FALSE(poller.add(pair.server, mask, &pair.server));
  CHECK(log.quiet(&pair.server).occurred == event::none);
  std::error_code ec;
  CHECK(pair.client.send("a", 1, ec, message_flags::oob) == 1);
  REQUIRE_FALSE(ec);
  CHECK(log.next(&pair.server).occurred == event::oob);
  CHECK(log.quiet(&pair.server).occurred == event::none);
  REQUIRE_FALSE(poller.modify(pair.server, mask));
  CHECK(log.quiet(&pair.server).occurred == event::none);
  char byte = 0;
  CHECK(pair.server.recv(&byte, 1, ec, message_flags::oob) == 1);
  REQUIRE_FALSE(ec);
  CHECK(byte == 'a');
  CHECK(log.quiet(&pair.server).occurred == event::none);
  pair.server.recv(&byte, 1, ec, message_flags::oob);
  CHECK(ec);  // no urgent byte left
}

TEST_CASE("With OOB-inline the urgent byte is ordinary data and only read is reported",
          "[conformance][oob][C42]") {
  tcp_pair pair = make_tcp_pair();
  REQUIRE_FALSE(pair.server.set_oob_inline(true));
  std::error_code ec;
  CHECK(pair.server.oob_inline(ec));
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::read | event::oob, &pair.server));
  CHECK(pair.client.send("z", 1, ec, message_flags::oob) == 1);
  CHECK(log.next(&pair.server).occurred == event::read);
  CHECK(recv_exact(pair.server, 1) == "z");
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

TEST_CASE("An urgent byte that arrived before oob was selected is reported when it is",
          "[conformance][oob][C43]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::none, &pair.server));
  std::error_code ec;
  CHECK(pair.client.send("a", 1, ec, message_flags::oob) == 1);
  CHECK(log.quiet(&pair.server, ms(100)).occurred == event::none);
  REQUIRE_FALSE(poller.modify(pair.server, event::read | event::oob));
  CHECK(log.next(&pair.server).occurred == event::oob);
  char byte = 0;
  CHECK(pair.server.recv(&byte, 1, ec, message_flags::oob) == 1);
  CHECK(byte == 'a');
}

TEST_CASE("A socket accepted from an OOB-inline listener is OOB-inline too",
          "[conformance][oob][C42]") {
  evsel::socket listener = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
  REQUIRE_FALSE(listener.set_oob_inline(true));
  REQUIRE_FALSE(listener.bind(evsel::endpoint::loopback(evsel::address_family::ipv4, 0)));
  REQUIRE_FALSE(listener.listen());
  evsel::socket client = start_connect(listener);
  evsel::socket accepted = accept_one(listener);
  std::error_code ec;
  CHECK(accepted.oob_inline(ec));
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(accepted, event::read | event::oob, &accepted));
  CHECK(client.send("z", 1, ec, message_flags::oob) == 1);
  CHECK(log.next(&accepted).occurred == event::read);
  CHECK(recv_exact(accepted, 1) == "z");
  CHECK(log.quiet(&accepted).occurred == event::none);
}

// Wine 8.0 and 10 do not record oob again after a recv while the urgent byte is still
// waiting (W6); Windows does ([D-AS]), and so does evsel on POSIX.
TEST_CASE("A recv that stops at the urgent mark brings oob back", "[conformance][oob][C41][W6]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::read | event::oob, &pair.server));
  send_abc_then_urgent(pair);
  std::error_code ec;
  CHECK(log.next(&pair.server).occurred == (event::read | event::oob));
  char buffer[16];
  CHECK(pair.server.recv(buffer, sizeof buffer, ec) == 3);  // a recv stops at the mark
  CHECK(log.next(&pair.server).occurred == event::oob);
  char urgent = 0;
  CHECK(pair.server.recv(&urgent, 1, ec, message_flags::oob) == 1);
  CHECK(urgent == 'X');
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

// Rule 1: a recv that leaves data brings read back, the recv of the urgent byte too.
// Windows' kernel re-enables FD_READ only on a normal recv; evsel must not inherit that.
TEST_CASE("Reading the urgent byte first brings read back for the data before it",
          "[conformance][oob][C41]") {
  for (int round = 0; round < 5; ++round) {
    tcp_pair pair = make_tcp_pair();
    evsel::poller poller;
    event_log log(poller);
    REQUIRE_FALSE(poller.add(pair.server, event::read | event::oob, &pair.server));
    send_abc_then_urgent(pair);
    std::error_code ec;
    event seen = event::none;
    for (int records = 0; records < 4 && seen != (event::read | event::oob); ++records) {
      const auto record = log.first(&pair.server);
      REQUIRE(record);
      seen |= record->occurred;
    }
    REQUIRE(seen == (event::read | event::oob));
    char urgent = 0;
    CHECK(pair.server.recv(&urgent, 1, ec, message_flags::oob) == 1);
    CHECK(urgent == 'X');
    // At once (the recv recorded it), and in any case before long.
    const evsel::network_events at_once = look_once(poller, &pair.server);
    const evsel::network_events got =
        at_once.occurred == event::none ? log.next(&pair.server) : at_once;
    CHECK(got.occurred == event::read);
    CHECK(at_once.occurred == event::read);
    char buffer[16];
    CHECK(pair.server.recv(buffer, sizeof buffer, ec) == 3);
    CHECK(std::string(buffer, 3) == "abc");
    CHECK(log.quiet(&pair.server, ms(100)).occurred == event::none);
  }
}
