// SPDX-License-Identifier: MIT
// evsel: UDP: always bound, write once, read per datagram, nothing else (rule 7, G12).
#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::all_events;
using evsel::event;

namespace {

void send_datagram(evsel::socket& from, const evsel::socket& to, const std::string& data) {
  std::error_code ec;
  CHECK(from.send_to(data.data(), data.size(), endpoint_of(to), ec) == data.size());
  REQUIRE_FALSE(ec);
}

}  // namespace

TEST_CASE("A bound UDP socket reports write once, never again on re-selection",
          "[conformance][udp][C07]") {
  evsel::socket u = make_udp();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(u, event::read | event::write, &u));
  CHECK(log.next(&u).occurred == event::write);
  for (int i = 0; i < 3; ++i) {
    REQUIRE_FALSE(poller.modify(u, event::read | event::write));
    CHECK(log.quiet(&u).occurred == event::none);
  }
}

TEST_CASE("An unbound UDP socket is bound when added and reports write once",
          "[conformance][udp][C08]") {
  evsel::socket u = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::udp);
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(u, all_events, &u));
  CHECK(endpoint_of(u).port() != 0);
  CHECK(log.next(&u).occurred == event::write);
  CHECK(log.quiet(&u).occurred == event::none);
}

TEST_CASE("UDP read comes per datagram: a datagram too big for the buffer is discarded",
          "[conformance][udp][C09]") {
  evsel::socket receiver = make_udp();
  evsel::socket sender = make_udp();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(receiver, event::read, &receiver));
  CHECK(log.quiet(&receiver).occurred == event::none);
  send_datagram(sender, receiver, "abc");
  send_datagram(sender, receiver, "defg");
  CHECK(log.next(&receiver).occurred == event::read);
  char buffer[16];
  evsel::endpoint from;
  std::error_code ec;
  CHECK(receiver.recv_from(buffer, sizeof buffer, from, ec) == 3);
  CHECK(from == endpoint_of(sender));
  CHECK(log.next(&receiver).occurred == event::read);
  CHECK(receiver.recv_from(buffer, 2, from, ec) == 0);
  CHECK(ec == evsel::errc::message_size);
  CHECK(log.quiet(&receiver).occurred == event::none);
  receiver.recv_from(buffer, sizeof buffer, from, ec);
  CHECK(ec == evsel::errc::would_block);
}

TEST_CASE("A UDP connect sets the peer and reports no connect event", "[conformance][udp][C10]") {
  evsel::socket server = make_udp();
  evsel::socket client = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::udp);
  evsel::poller poller;
  event_log log(poller);
  const event mask = event::accept | event::connect | event::oob | event::read | event::write;
  REQUIRE_FALSE(poller.add(client, mask, &client));
  CHECK(log.next(&client).occurred == event::write);
  REQUIRE_FALSE(client.connect(endpoint_of(server)));
  CHECK(log.quiet(&client).occurred == event::none);
  std::error_code ec;
  CHECK(client.send("ping", 4, ec) == 4);
  REQUIRE_FALSE(ec);
  char buffer[8];
  evsel::endpoint from;
  REQUIRE(wait_alone(server, event::read).has(event::read));
  CHECK(server.recv_from(buffer, sizeof buffer, from, ec) == 4);
}

TEST_CASE("An empty datagram is read, never a close", "[conformance][udp][C54]") {
  evsel::socket receiver = make_udp();
  evsel::socket sender = make_udp();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(receiver, event::read | event::close, &receiver));
  send_datagram(sender, receiver, "");
  CHECK(log.next(&receiver).occurred == event::read);
  char buffer[4];
  evsel::endpoint from;
  std::error_code ec;
  CHECK(receiver.recv_from(buffer, sizeof buffer, from, ec) == 0);
  CHECK_FALSE(ec);
  CHECK(log.quiet(&receiver).occurred == event::none);
}

TEST_CASE("A second datagram before recv_from adds nothing until the next recv_from",
          "[conformance][udp][C56]") {
  evsel::socket receiver = make_udp();
  evsel::socket sender = make_udp();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(receiver, event::read, &receiver));
  send_datagram(sender, receiver, "one");
  CHECK(log.next(&receiver).occurred == event::read);
  send_datagram(sender, receiver, "two");
  CHECK(log.quiet(&receiver).occurred == event::none);
  char buffer[8];
  evsel::endpoint from;
  std::error_code ec;
  CHECK(receiver.recv_from(buffer, sizeof buffer, from, ec) == 3);
  CHECK(log.next(&receiver).occurred == event::read);
  CHECK(receiver.recv_from(buffer, sizeof buffer, from, ec) == 3);
  CHECK(log.quiet(&receiver).occurred == event::none);
}

TEST_CASE("recv on a UDP socket also fails a datagram too big for the buffer",
          "[conformance][udp][C09]") {
  evsel::socket receiver = make_udp();
  evsel::socket sender = make_udp();
  send_datagram(sender, receiver, "0123456789");
  REQUIRE(wait_alone(receiver, event::read).has(event::read));
  char buffer[4];
  std::error_code ec;
  CHECK(receiver.recv(buffer, sizeof buffer, ec) == 0);
  CHECK(ec == evsel::errc::message_size);
  receiver.recv(buffer, sizeof buffer, ec);
  CHECK(ec == evsel::errc::would_block);
}

TEST_CASE("ICMP errors are not reported on UDP sockets, connected or not",
          "[conformance][udp][C10]") {
  evsel::socket closed = make_udp();
  const evsel::endpoint nobody = endpoint_of(closed);
  REQUIRE_FALSE(closed.close());  // nobody listens there any more: port unreachable
  evsel::socket client = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::udp);
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(client, event::read | event::write, &client));
  CHECK(log.next(&client).occurred == event::write);
  REQUIRE_FALSE(client.connect(nobody));
  std::error_code ec;
  for (int i = 0; i < 3; ++i) {
    CHECK(client.send("ping", 4, ec) == 4);
    CHECK_FALSE(ec);
    CHECK(log.quiet(&client, ms(100)).occurred == event::none);
  }
  char buffer[8];
  client.recv(buffer, sizeof buffer, ec);
  CHECK(ec == evsel::errc::would_block);
}
