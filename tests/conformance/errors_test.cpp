// SPDX-License-Identifier: MIT
// evsel: bad input gets a clear error and leaves nothing half-made (rule 10, C45).
#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::all_events;
using evsel::errc;
using evsel::event;

TEST_CASE("add, modify and remove reject an empty or closed socket", "[conformance][errors][C45]") {
  evsel::poller poller;
  evsel::socket empty;
  CHECK(poller.add(empty, event::read) == errc::not_a_socket);
  CHECK(poller.modify(empty, event::read) == errc::not_a_socket);
  CHECK(poller.remove(empty) == errc::not_a_socket);
  evsel::socket closed = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
  REQUIRE_FALSE(closed.close());
  CHECK(poller.add(closed, event::read) == errc::not_a_socket);
  CHECK(poller.size() == 0);
}

TEST_CASE("A mask with unknown bits is rejected and nothing is registered",
          "[conformance][errors][C60]") {
  evsel::poller poller;
  tcp_pair pair = make_tcp_pair();
  const auto qos = static_cast<event>(0x40);  // FD_QOS: Windows-only, not portable (C60)
  CHECK(poller.add(pair.server, event::read | qos) == errc::invalid_argument);
  CHECK(poller.size() == 0);
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  CHECK(poller.modify(pair.server, static_cast<event>(0x100)) == errc::invalid_argument);
  // The failed modify changed nothing: read still arrives.
  send_all(pair.client, "z");
  event_log log(poller);
  CHECK(log.next(&pair.server).occurred == event::read);
}

TEST_CASE("Adding a socket twice fails, on the same poller or another one",
          "[conformance][errors][rule10]") {
  evsel::poller poller;
  evsel::poller other;
  tcp_pair pair = make_tcp_pair();
  REQUIRE_FALSE(poller.add(pair.server, event::read));
  CHECK(poller.add(pair.server, event::write) == errc::already_registered);
  CHECK(other.add(pair.server, event::write) == errc::already_registered);
  CHECK(poller.size() == 1);
  CHECK(other.size() == 0);
}

TEST_CASE("modify and remove of a socket that is not registered here fail",
          "[conformance][errors][rule10]") {
  evsel::poller poller;
  evsel::poller other;
  tcp_pair pair = make_tcp_pair();
  CHECK(poller.modify(pair.server, event::read) == errc::not_registered);
  CHECK(poller.remove(pair.server) == errc::not_registered);
  REQUIRE_FALSE(other.add(pair.server, event::read));
  CHECK(poller.modify(pair.server, event::read) == errc::not_registered);
  CHECK(poller.remove(pair.server) == errc::not_registered);
  CHECK_FALSE(other.remove(pair.server));
}

TEST_CASE("wait rejects a null array and a zero capacity", "[conformance][errors][rule10]") {
  evsel::poller poller;
  std::error_code ec;
  CHECK(poller.wait(nullptr, 4, ms(0), ec) == 0);
  CHECK(ec == errc::invalid_argument);
  evsel::ready_record record;
  CHECK(poller.wait(&record, 0, ms(0), ec) == 0);
  CHECK(ec == errc::invalid_argument);
  CHECK(poller.wait(&record, 1, ms(0), ec) == 0);
  CHECK_FALSE(ec);
}

TEST_CASE("Calls on an empty socket fail with not_a_socket", "[conformance][errors][rule10]") {
  evsel::socket s;
  std::error_code ec;
  char buffer[4];
  CHECK(s.bind(evsel::endpoint::loopback(evsel::address_family::ipv4, 0)) == errc::not_a_socket);
  CHECK(s.listen() == errc::not_a_socket);
  CHECK(s.connect(evsel::endpoint::loopback(evsel::address_family::ipv4, 1)) == errc::not_a_socket);
  CHECK(s.recv(buffer, sizeof buffer, ec) == 0);
  CHECK(ec == errc::not_a_socket);
  CHECK(s.send(buffer, sizeof buffer, ec) == 0);
  CHECK(ec == errc::not_a_socket);
  CHECK_FALSE(s.accept(ec).is_open());
  CHECK(ec == errc::not_a_socket);
  CHECK(s.shutdown(evsel::shutdown_mode::both) == errc::not_a_socket);
  s.local_endpoint(ec);
  CHECK(ec == errc::not_a_socket);
  CHECK(s.set_no_delay(true) == errc::not_a_socket);
  CHECK_FALSE(s.close());  // closing an empty socket is a no-op
}

TEST_CASE("Misused socket calls fail with a clear error", "[conformance][errors][rule10]") {
  evsel::socket tcp = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
  std::error_code ec;
  char buffer[4] = {};
  CHECK(tcp.connect(evsel::endpoint::loopback(evsel::address_family::ipv6, 1)) ==
        errc::address_family_not_supported);
  CHECK(tcp.recv(nullptr, 4, ec) == 0);
  CHECK(ec == errc::invalid_argument);
  CHECK(tcp.recv(buffer, 0, ec) == 0);
  CHECK(ec == errc::invalid_argument);
  tcp.recv(buffer, sizeof buffer, ec);
  CHECK(ec == errc::not_connected);
  tcp.send(buffer, sizeof buffer, ec);
  CHECK(ec == errc::not_connected);
  CHECK_FALSE(tcp.accept(ec).is_open());
  CHECK(ec == errc::invalid_argument);
  tcp.send_to(buffer, sizeof buffer, evsel::endpoint::loopback(evsel::address_family::ipv4, 1), ec);
  CHECK(ec == errc::operation_not_supported);

  evsel::socket udp = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::udp);
  CHECK(udp.listen() == errc::operation_not_supported);
  evsel::endpoint from;
  CHECK(udp.recv_from(nullptr, 4, from, ec) == 0);
  CHECK(ec == errc::invalid_argument);
  CHECK(udp.set_send_buffer_size(0) == errc::invalid_argument);
}
