// SPDX-License-Identifier: MIT
// evsel: unit tests of evsel::socket without a poller: lifetime, options, bind, UDP loopback.
#include <chrono>
#include <cstddef>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include <evsel/endpoint.hpp>
#include <evsel/error.hpp>
#include <evsel/socket.hpp>

#include "support/catch.hpp"

namespace {

using evsel::address_family;
using evsel::errc;
using evsel::protocol;
using namespace std::chrono_literals;

constexpr auto kDatagramWindow = 2s;  // upper bound for a loopback datagram to arrive
constexpr auto kPollInterval = 5ms;

// A socket bound to the loopback address of `family`, port chosen by the OS.
evsel::socket bound_loopback(address_family family, protocol proto) {
  evsel::socket s = evsel::socket::open(family, proto);
  REQUIRE_FALSE(s.bind(evsel::endpoint::loopback(family, 0)));
  return s;
}

evsel::endpoint local_of(const evsel::socket& s) {
  std::error_code ec;
  const evsel::endpoint e = s.local_endpoint(ec);
  REQUIRE_FALSE(ec);
  return e;
}

// Waits (bounded) until `s` has bytes queued; returns available() at that point.
std::size_t wait_available(const evsel::socket& s) {
  const auto deadline = std::chrono::steady_clock::now() + kDatagramWindow;
  for (;;) {
    std::error_code ec;
    const std::size_t n = s.available(ec);
    REQUIRE_FALSE(ec);
    if (n > 0 || std::chrono::steady_clock::now() >= deadline) return n;
    std::this_thread::sleep_for(kPollInterval);
  }
}

// recv_from with a bounded retry loop while it would block.
std::size_t recv_from_within(
    evsel::socket& s, char* buffer, std::size_t size, evsel::endpoint& from, std::error_code& ec) {
  const auto deadline = std::chrono::steady_clock::now() + kDatagramWindow;
  for (;;) {
    const std::size_t n = s.recv_from(buffer, size, from, ec);
    if (ec != errc::would_block || std::chrono::steady_clock::now() >= deadline) return n;
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace

TEST_CASE("A default socket is empty", "[unit][socket]") {
  evsel::socket s;
  CHECK_FALSE(s.is_open());
  CHECK_FALSE(static_cast<bool>(s));
  CHECK(s.native_handle() == evsel::invalid_socket);
  CHECK_FALSE(s.close());  // closing an empty socket is a no-op
  std::error_code ec;
  (void)s.local_endpoint(ec);
  CHECK(ec == errc::not_a_socket);
  CHECK(s.available(ec) == 0);
  CHECK(ec == errc::not_a_socket);
  CHECK(s.set_no_delay(true) == errc::not_a_socket);
  CHECK(s.set_reuse_address(true) == errc::not_a_socket);
  CHECK(s.set_linger(true, 0s) == errc::not_a_socket);
  (void)s.send_buffer_size(ec);
  CHECK(ec == errc::not_a_socket);
}

TEST_CASE("open creates a socket of the requested family and transport", "[unit][socket]") {
  for (const address_family family : {address_family::ipv4, address_family::ipv6}) {
    for (const protocol proto : {protocol::tcp, protocol::udp}) {
      CAPTURE(static_cast<int>(family), static_cast<int>(proto));
      std::error_code ec = evsel::make_error_code(errc::would_block);
      evsel::socket s = evsel::socket::open(family, proto, ec);
      REQUIRE_FALSE(ec);
      CHECK(s.is_open());
      CHECK(static_cast<bool>(s));
      CHECK(s.native_handle() != evsel::invalid_socket);
      CHECK(s.family() == family);
      CHECK(s.transport() == proto);
      CHECK_NOTHROW(evsel::socket::open(family, proto));
    }
  }
}

TEST_CASE("close empties the socket and a second close does nothing", "[unit][socket]") {
  evsel::socket s = evsel::socket::open(address_family::ipv4, protocol::tcp);
  REQUIRE(s.is_open());
  CHECK_FALSE(s.close());
  CHECK_FALSE(s.is_open());
  CHECK(s.native_handle() == evsel::invalid_socket);
  CHECK_FALSE(s.close());
  CHECK(s.bind(evsel::endpoint::loopback(address_family::ipv4, 0)) == errc::not_a_socket);
}

TEST_CASE("Moving a socket transfers the handle and leaves the source empty", "[unit][socket]") {
  evsel::socket source = evsel::socket::open(address_family::ipv6, protocol::udp);
  const evsel::native_socket handle = source.native_handle();

  evsel::socket moved(std::move(source));
  CHECK_FALSE(source.is_open());  // NOLINT(bugprone-use-after-move): moved-from is empty
  CHECK(source.native_handle() == evsel::invalid_socket);
  CHECK(moved.is_open());
  CHECK(moved.native_handle() == handle);
  CHECK(moved.family() == address_family::ipv6);
  CHECK(moved.transport() == protocol::udp);

  evsel::socket assigned = evsel::socket::open(address_family::ipv4, protocol::tcp);
  assigned = std::move(moved);
  CHECK_FALSE(moved.is_open());  // NOLINT(bugprone-use-after-move)
  CHECK(assigned.native_handle() == handle);
  CHECK(assigned.family() == address_family::ipv6);
  CHECK(assigned.transport() == protocol::udp);
  // The moved socket still works.
  CHECK_FALSE(assigned.bind(evsel::endpoint::loopback(address_family::ipv6, 0)));
  CHECK(local_of(assigned).port() != 0);

  evsel::socket& alias = assigned;
  assigned = std::move(alias);  // self-move keeps the socket
  CHECK(assigned.native_handle() == handle);

  evsel::socket empty;
  assigned = std::move(empty);  // assigning an empty socket closes the old one
  CHECK_FALSE(assigned.is_open());
}

TEST_CASE("no_delay can be set and read back on TCP sockets only", "[unit][socket]") {
  for (const address_family family : {address_family::ipv4, address_family::ipv6}) {
    evsel::socket tcp = evsel::socket::open(family, protocol::tcp);
    std::error_code ec;
    REQUIRE_FALSE(tcp.set_no_delay(true));
    CHECK(tcp.no_delay(ec));
    CHECK_FALSE(ec);
    REQUIRE_FALSE(tcp.set_no_delay(false));
    CHECK_FALSE(tcp.no_delay(ec));
    CHECK_FALSE(ec);
    evsel::socket udp = evsel::socket::open(family, protocol::udp);
    CHECK(udp.set_no_delay(true) == errc::operation_not_supported);
  }
}

TEST_CASE("Buffer sizes can be set and are at least what was asked for", "[unit][socket]") {
  for (const protocol proto : {protocol::tcp, protocol::udp}) {
    CAPTURE(static_cast<int>(proto));
    evsel::socket s = evsel::socket::open(address_family::ipv4, proto);
    std::error_code ec;
    CHECK(s.send_buffer_size(ec) > 0);
    CHECK_FALSE(ec);
    CHECK(s.receive_buffer_size(ec) > 0);
    CHECK_FALSE(ec);

    constexpr int requested = 48 * 1024;
    REQUIRE_FALSE(s.set_send_buffer_size(requested));
    REQUIRE_FALSE(s.set_receive_buffer_size(requested));
    CHECK(s.send_buffer_size(ec) >= requested);  // Linux reports twice the value
    CHECK_FALSE(ec);
    CHECK(s.receive_buffer_size(ec) >= requested);
    CHECK_FALSE(ec);

    CHECK(s.set_send_buffer_size(0) == errc::invalid_argument);
    CHECK(s.set_receive_buffer_size(-1) == errc::invalid_argument);
  }
}

TEST_CASE("oob_inline is off by default and can be switched on TCP sockets only",
          "[unit][socket]") {
  evsel::socket tcp = evsel::socket::open(address_family::ipv4, protocol::tcp);
  std::error_code ec;
  CHECK_FALSE(tcp.oob_inline(ec));
  CHECK_FALSE(ec);
  REQUIRE_FALSE(tcp.set_oob_inline(true));
  CHECK(tcp.oob_inline(ec));
  CHECK_FALSE(ec);
  REQUIRE_FALSE(tcp.set_oob_inline(false));
  CHECK_FALSE(tcp.oob_inline(ec));
  CHECK_FALSE(ec);
  evsel::socket udp = evsel::socket::open(address_family::ipv4, protocol::udp);
  CHECK(udp.set_oob_inline(true) == errc::operation_not_supported);
}

TEST_CASE("set_linger takes a zero timeout (reset) or off, and refuses a lingering close",
          "[unit][socket]") {
  evsel::socket s = evsel::socket::open(address_family::ipv4, protocol::tcp);
  CHECK_FALSE(s.set_linger(true, 0s));
  CHECK_FALSE(s.set_linger(false, 0s));
  CHECK_FALSE(s.set_linger(false, 5s));  // off: the timeout does not matter
  // A timeout above zero would make close block (POSIX) or fail and leave the socket open
  // (Windows): refused on every backend, so close never blocks the loop.
  for (const auto timeout : {1s, 5s, 65535s}) {
    CAPTURE(timeout.count());
    const std::error_code refused = s.set_linger(true, timeout);
    CHECK(refused == errc::operation_not_supported);
    CHECK(refused.message().find("close would block") != std::string::npos);
  }
  CHECK(s.set_linger(true, -1s) == errc::invalid_argument);
  CHECK(s.set_linger(true, 65536s) == errc::invalid_argument);
  CHECK(s.set_linger(true, 65536s).message().find("linger timeout") != std::string::npos);
}

TEST_CASE("A connected socket that was never registered refuses a second connect as connected",
          "[unit][socket]") {
  evsel::socket listener = evsel::socket::open(address_family::ipv4, protocol::tcp);
  REQUIRE_FALSE(listener.bind(evsel::endpoint::loopback(address_family::ipv4, 0)));
  REQUIRE_FALSE(listener.listen());
  std::error_code ec;
  const evsel::endpoint address = listener.local_endpoint(ec);
  REQUIRE_FALSE(ec);
  evsel::socket client = evsel::socket::open(address_family::ipv4, protocol::tcp);
  REQUIRE_FALSE(client.connect(address));
  // Once the listener hands the connection out, the handshake is over on loopback.
  evsel::socket accepted;
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (!accepted.is_open() && std::chrono::steady_clock::now() < until) {
    accepted = listener.accept(ec);
    if (!accepted.is_open()) std::this_thread::sleep_for(kPollInterval);
  }
  REQUIRE(accepted.is_open());
  const std::error_code again = client.connect(address);
  CAPTURE(again.message());
  CHECK(again == errc::already_connected);
}

TEST_CASE("set_reuse_address can be switched on and off", "[unit][socket]") {
  for (const protocol proto : {protocol::tcp, protocol::udp}) {
    evsel::socket s = evsel::socket::open(address_family::ipv6, proto);
    CHECK_FALSE(s.set_reuse_address(true));
    CHECK_FALSE(s.set_reuse_address(false));
    CHECK_FALSE(s.set_reuse_address(true));
    CHECK_FALSE(s.bind(evsel::endpoint::loopback(address_family::ipv6, 0)));
  }
}

TEST_CASE("Binding to loopback port 0 gets a port chosen by the OS", "[unit][socket]") {
  for (const address_family family : {address_family::ipv4, address_family::ipv6}) {
    for (const protocol proto : {protocol::tcp, protocol::udp}) {
      CAPTURE(static_cast<int>(family), static_cast<int>(proto));
      const evsel::socket s = bound_loopback(family, proto);
      const evsel::endpoint local = local_of(s);
      CHECK(local.family() == family);
      CHECK(local.is_loopback());
      CHECK(local.port() != 0);
      CHECK(local.scope_id() == 0);
      CHECK(local == evsel::endpoint::loopback(family, local.port()));
    }
  }
  CHECK(local_of(bound_loopback(address_family::ipv4, protocol::udp))
            .to_string()
            .rfind("127.0.0.1:", 0) == 0);
  CHECK(local_of(bound_loopback(address_family::ipv6, protocol::tcp))
            .to_string()
            .rfind("[::1]:", 0) == 0);
}

TEST_CASE("bind rejects an endpoint of the other family", "[unit][socket]") {
  evsel::socket v4 = evsel::socket::open(address_family::ipv4, protocol::tcp);
  CHECK(v4.bind(evsel::endpoint::loopback(address_family::ipv6, 0)) ==
        errc::address_family_not_supported);
  evsel::socket v6 = evsel::socket::open(address_family::ipv6, protocol::tcp);
  CHECK(v6.bind(evsel::endpoint::loopback(address_family::ipv4, 0)) ==
        errc::address_family_not_supported);
  // The sockets are still usable afterwards.
  CHECK_FALSE(v4.bind(evsel::endpoint::loopback(address_family::ipv4, 0)));
  CHECK_FALSE(v6.bind(evsel::endpoint::loopback(address_family::ipv6, 0)));
}

TEST_CASE("A bound TCP socket listens and keeps its endpoint: UDP cannot listen",
          "[unit][socket]") {
  for (const address_family family : {address_family::ipv4, address_family::ipv6}) {
    CAPTURE(static_cast<int>(family));
    evsel::socket tcp = bound_loopback(family, protocol::tcp);
    const evsel::endpoint before = local_of(tcp);
    CHECK_FALSE(tcp.listen());
    CHECK(local_of(tcp) == before);
    CHECK_FALSE(tcp.listen(4));  // listening again only changes the backlog

    evsel::socket udp = bound_loopback(family, protocol::udp);
    CHECK(udp.listen() == errc::operation_not_supported);
  }
}

TEST_CASE("A UDP datagram makes the round trip over loopback", "[unit][socket]") {
  for (const address_family family : {address_family::ipv4, address_family::ipv6}) {
    CAPTURE(static_cast<int>(family));
    evsel::socket receiver = bound_loopback(family, protocol::udp);
    evsel::socket sender = bound_loopback(family, protocol::udp);
    const evsel::endpoint receiver_at = local_of(receiver);
    const evsel::endpoint sender_at = local_of(sender);

    const std::string payload = "hello, evsel";
    std::error_code ec;
    CHECK(sender.send_to(payload.data(), payload.size(), receiver_at, ec) == payload.size());
    REQUIRE_FALSE(ec);

    char buffer[64] = {};
    evsel::endpoint from;
    const std::size_t n = recv_from_within(receiver, buffer, sizeof buffer, from, ec);
    REQUIRE_FALSE(ec);
    CHECK(std::string(buffer, n) == payload);
    CHECK(from == sender_at);

    // Nothing else is queued.
    CHECK(receiver.recv_from(buffer, sizeof buffer, from, ec) == 0);
    CHECK(ec == errc::would_block);
  }
}

TEST_CASE("Datagrams arrive as separate messages in order", "[unit][socket]") {
  evsel::socket receiver = bound_loopback(address_family::ipv4, protocol::udp);
  evsel::socket sender = bound_loopback(address_family::ipv4, protocol::udp);
  const evsel::endpoint to = local_of(receiver);
  std::error_code ec;
  for (const std::string text : {"one", "two!", "three"}) {
    CHECK(sender.send_to(text.data(), text.size(), to, ec) == text.size());
    CHECK_FALSE(ec);
  }
  for (const std::string expected : {"one", "two!", "three"}) {
    char buffer[32];
    evsel::endpoint from;
    const std::size_t n = recv_from_within(receiver, buffer, sizeof buffer, from, ec);
    REQUIRE_FALSE(ec);
    CHECK(std::string(buffer, n) == expected);
  }
}

TEST_CASE("available reports a queued datagram without consuming it", "[unit][socket]") {
  evsel::socket receiver = bound_loopback(address_family::ipv4, protocol::udp);
  evsel::socket sender = bound_loopback(address_family::ipv4, protocol::udp);
  std::error_code ec;
  CHECK(receiver.available(ec) == 0);
  CHECK_FALSE(ec);

  const std::string payload(100, 'a');
  CHECK(sender.send_to(payload.data(), payload.size(), local_of(receiver), ec) == payload.size());
  REQUIRE_FALSE(ec);
  CHECK(wait_available(receiver) == payload.size());
  CHECK(receiver.available(ec) == payload.size());  // asking again changes nothing
  CHECK_FALSE(ec);

  char buffer[128];
  evsel::endpoint from;
  CHECK(receiver.recv_from(buffer, sizeof buffer, from, ec) == payload.size());
  CHECK_FALSE(ec);
  CHECK(receiver.available(ec) == 0);
  CHECK_FALSE(ec);
}

TEST_CASE("Datagram calls reject TCP sockets, bad buffers and the wrong family", "[unit][socket]") {
  evsel::socket tcp = evsel::socket::open(address_family::ipv4, protocol::tcp);
  std::error_code ec;
  char buffer[8] = {};
  evsel::endpoint from;
  const evsel::endpoint to = evsel::endpoint::loopback(address_family::ipv4, 9);
  CHECK(tcp.send_to(buffer, 1, to, ec) == 0);
  CHECK(ec == errc::operation_not_supported);
  CHECK(tcp.recv_from(buffer, sizeof buffer, from, ec) == 0);
  CHECK(ec == errc::operation_not_supported);

  evsel::socket udp = bound_loopback(address_family::ipv4, protocol::udp);
  CHECK(udp.recv_from(nullptr, sizeof buffer, from, ec) == 0);
  CHECK(ec == errc::invalid_argument);
  CHECK(udp.recv_from(buffer, 0, from, ec) == 0);
  CHECK(ec == errc::invalid_argument);
  CHECK(udp.send_to(nullptr, 1, to, ec) == 0);
  CHECK(ec == errc::invalid_argument);
  CHECK(udp.send_to(buffer, 1, evsel::endpoint::loopback(address_family::ipv6, 9), ec) == 0);
  CHECK(ec == errc::address_family_not_supported);
}
