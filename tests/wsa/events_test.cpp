// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: FD_WRITE, FD_CONNECT, FD_ACCEPT and FD_READ on TCP, and UDP
// (section 4.B to 4.E).
#include <chrono>
#include <thread>
#include <vector>

#include <winsock2.h>

#include "support/catch.hpp"
#include "wsa_support.hpp"

using namespace wsa_test;

namespace {

const long all_events = FD_READ | FD_WRITE | FD_OOB | FD_ACCEPT | FD_CONNECT | FD_CLOSE;

// A non-blocking connect from `c` to `to`: fails at once with WSAEWOULDBLOCK.
void start_connect(SOCKET c, const sockaddr_in& to) {
  CHECK(connect(c, reinterpret_cast<const sockaddr*>(&to), sizeof to) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEWOULDBLOCK);
}

}  // namespace

TEST_CASE("A connect reports FD_CONNECT once with 0, together with FD_WRITE",
          "[wsa][connect][C23][C55]") {
  const wsa_session session;
  const socket_handle listener = make_listener();
  const socket_handle client = make_tcp_socket();
  const event_handle e;
  REQUIRE(WSAEventSelect(client.get(), e.get(), all_events) == 0);
  CHECK(quiet_record(client.get(), e.get()).lNetworkEvents == 0);
  start_connect(client.get(), local_address(listener.get()));
  const WSANETWORKEVENTS ne = expect_record(client.get(), e.get(), FD_CONNECT | FD_WRITE);
  CHECK(ne.iErrorCode[FD_CONNECT_BIT] == 0);
  CHECK(ne.iErrorCode[FD_WRITE_BIT] == 0);
  CHECK(quiet_record(client.get(), e.get()).lNetworkEvents == 0);
  REQUIRE(WSAEventSelect(client.get(), e.get(), 0) == 0);
  REQUIRE(WSAEventSelect(client.get(), e.get(), all_events) == 0);
  CHECK(quiet_record(client.get(), e.get()).lNetworkEvents == 0);
  // The accepted end: FD_WRITE only, never FD_CONNECT.
  const socket_handle accepted(accept(listener.get(), nullptr, nullptr));
  REQUIRE(accepted.get() != INVALID_SOCKET);
  const event_handle e2;
  REQUIRE(WSAEventSelect(accepted.get(), e2.get(), all_events) == 0);
  expect_record(accepted.get(), e2.get(), FD_WRITE);
}

TEST_CASE("A refused connect reports FD_CONNECT once with WSAECONNREFUSED and nothing else",
          "[wsa][connect][C24]") {
  const wsa_session session;
  // A bound socket that does not listen: its port refuses, and stays taken meanwhile.
  const socket_handle closed_port = make_tcp_socket();
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(closed_port.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0);
  to = local_address(closed_port.get());
  const socket_handle client = make_tcp_socket();
  const event_handle e;
  REQUIRE(WSAEventSelect(client.get(), e.get(), all_events) == 0);
  start_connect(client.get(), to);
  // Windows retries the SYN after a reset: the refusal takes a second or more there.
  const WSANETWORKEVENTS ne =
      expect_record(client.get(), e.get(), FD_CONNECT, connect_refused_window);
  CHECK(ne.iErrorCode[FD_CONNECT_BIT] == WSAECONNREFUSED);
  CHECK(quiet_record(client.get(), e.get()).lNetworkEvents == 0);
}

TEST_CASE("FD_WRITE comes once after connect and accept, and not after sends that succeed",
          "[wsa][write][C26]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), all_events) == 0);
  expect_record(pair.server.get(), e.get(), FD_WRITE);
  CHECK(quiet_record(pair.server.get(), e.get()).lNetworkEvents == 0);
  REQUIRE(send(pair.server.get(), "12345", 5, 0) == 5);
  CHECK(quiet_record(pair.server.get(), e.get()).lNetworkEvents == 0);
  drain(pair.client.get(), 5);
  CHECK(quiet_record(pair.server.get(), e.get()).lNetworkEvents == 0);
}

TEST_CASE("FD_WRITE comes again only after a send failed with WSAEWOULDBLOCK and space came back",
          "[wsa][write][C27]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_WRITE) == 0);
  CHECK(next_record(pair.server.get(), e.get()).lNetworkEvents == FD_WRITE);
  const std::size_t taken = fill_until_would_block(pair.server.get());
  // Exactly one FD_WRITE between the failed send and the end of the drain: on loopback space
  // can come back before the peer reads anything (the kernel moves data to its buffers).
  int writes = 0;
  std::thread reader([&pair, taken] { drain(pair.client.get(), taken); });
  const auto deadline = std::chrono::steady_clock::now() + fill_window;
  while (writes == 0 && std::chrono::steady_clock::now() < deadline) {
    const WSANETWORKEVENTS ne = next_record(pair.server.get(), e.get(), ms(200));
    if (ne.lNetworkEvents & FD_WRITE) ++writes;
  }
  reader.join();
  CHECK(writes == 1);
  const WSANETWORKEVENTS after = quiet_record(pair.server.get(), e.get());
  INFO(describe(after));
  CHECK(after.lNetworkEvents == 0);
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), 0) == 0);
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_WRITE) == 0);
  CHECK(quiet_record(pair.server.get(), e.get()).lNetworkEvents == 0);
}

TEST_CASE("FD_ACCEPT is re-enabled by accept: reported while connections remain queued",
          "[wsa][accept][C21][C22][C52]") {
  const wsa_session session;
  const socket_handle listener = make_listener();
  // Two clients queued before the selection: recorded at WSAEventSelect.
  const socket_handle c1 = connect_to(listener.get());
  const socket_handle c2 = connect_to(listener.get());
  std::this_thread::sleep_for(settle_window);
  const event_handle e;
  REQUIRE(WSAEventSelect(listener.get(), e.get(), FD_ACCEPT | FD_READ | FD_CONNECT) == 0);
  expect_record(listener.get(), e.get(), FD_ACCEPT);
  CHECK(quiet_record(listener.get(), e.get()).lNetworkEvents == 0);
  socket_handle a1(accept(listener.get(), nullptr, nullptr));
  CHECK(a1.get() != INVALID_SOCKET);
  CHECK(next_record(listener.get(), e.get()).lNetworkEvents == FD_ACCEPT);
  socket_handle a2(accept(listener.get(), nullptr, nullptr));
  CHECK(a2.get() != INVALID_SOCKET);
  CHECK(quiet_record(listener.get(), e.get()).lNetworkEvents == 0);
  CHECK(accept(listener.get(), nullptr, nullptr) == INVALID_SOCKET);
  CHECK(WSAGetLastError() == WSAEWOULDBLOCK);
  const socket_handle c3 = connect_to(listener.get());
  CHECK(next_record(listener.get(), e.get()).lNetworkEvents == FD_ACCEPT);
}

TEST_CASE("An accepted socket inherits the listener's event and mask and is non-blocking",
          "[wsa][accept][C20][G7]") {
  const wsa_session session;
  const socket_handle listener = make_listener();
  socket_handle client = connect_to(listener.get());
  const event_handle e;
  REQUIRE(WSAEventSelect(listener.get(), e.get(),
                         FD_CONNECT | FD_READ | FD_OOB | FD_ACCEPT | FD_WRITE) == 0);
  CHECK(next_record(listener.get(), e.get()).lNetworkEvents == FD_ACCEPT);
  const socket_handle accepted(accept(listener.get(), nullptr, nullptr));
  REQUIRE(accepted.get() != INVALID_SOCKET);
  expect_record(accepted.get(), e.get(), FD_WRITE);
  CHECK(quiet_record(accepted.get(), e.get()).lNetworkEvents == 0);
  REQUIRE(send(client.get(), "x", 1, 0) == 1);
  CHECK(next_record(accepted.get(), e.get()).lNetworkEvents == FD_READ);
  char buffer[4] = {};
  CHECK(recv(accepted.get(), buffer, sizeof buffer, 0) == 1);
  CHECK(recv(accepted.get(), buffer, sizeof buffer, 0) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEWOULDBLOCK);
  CHECK(set_non_blocking(accepted.get(), false) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEINVAL);
}

TEST_CASE("FD_READ is re-enabled by recv: again after each recv that leaves data, a peek too",
          "[wsa][read][C29][C30]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(),
                         FD_ACCEPT | FD_CLOSE | FD_CONNECT | FD_OOB | FD_READ) == 0);
  CHECK(quiet_record(pair.server.get(), e.get()).lNetworkEvents == 0);
  REQUIRE(send(pair.client.get(), "12345", 5, 0) == 5);
  CHECK(next_record(pair.server.get(), e.get()).lNetworkEvents == FD_READ);
  expect_quiet_reselected(pair.server.get(), e.get(), FD_READ | FD_CLOSE);
  char buffer[8] = {};
  CHECK(recv(pair.server.get(), buffer, 2, MSG_PEEK) == 2);
  CHECK(next_record(pair.server.get(), e.get()).lNetworkEvents == FD_READ);
  u_long queued = 0;
  CHECK(ioctlsocket(pair.server.get(), FIONREAD, &queued) == 0);
  CHECK(queued == 5);
  CHECK(quiet_record(pair.server.get(), e.get()).lNetworkEvents == 0);
  CHECK(recv(pair.server.get(), buffer, 2, 0) == 2);
  CHECK(next_record(pair.server.get(), e.get()).lNetworkEvents == FD_READ);
  CHECK(recv(pair.server.get(), buffer, sizeof buffer, 0) == 3);
  CHECK(quiet_record(pair.server.get(), e.get()).lNetworkEvents == 0);
}

TEST_CASE("UDP: FD_WRITE once when bound, FD_READ once per datagram", "[wsa][udp][C07][C09][G12]") {
  const wsa_session session;
  const socket_handle receiver = make_bound_udp_socket();
  const socket_handle sender = make_bound_udp_socket();
  const event_handle e;
  REQUIRE(WSAEventSelect(receiver.get(), e.get(), FD_READ | FD_WRITE) == 0);
  CHECK(next_record(receiver.get(), e.get()).lNetworkEvents == FD_WRITE);
  expect_quiet_reselected(receiver.get(), e.get(), FD_READ | FD_WRITE);

  const sockaddr_in to = local_address(receiver.get());
  const auto to_address = reinterpret_cast<const sockaddr*>(&to);
  REQUIRE(sendto(sender.get(), "abc", 3, 0, to_address, sizeof to) == 3);
  REQUIRE(sendto(sender.get(), "defg", 4, 0, to_address, sizeof to) == 4);
  std::this_thread::sleep_for(settle_window);
  CHECK(next_record(receiver.get(), e.get()).lNetworkEvents == FD_READ);
  char buffer[8] = {};
  sockaddr_in from{};
  int from_length = sizeof from;
  CHECK(recvfrom(receiver.get(), buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from),
                 &from_length) == 3);
  CHECK(from.sin_port == local_address(sender.get()).sin_port);
  CHECK(next_record(receiver.get(), e.get()).lNetworkEvents == FD_READ);
  // Too small a buffer: WSAEMSGSIZE, and the datagram is gone.
  CHECK(recvfrom(receiver.get(), buffer, 2, 0, nullptr, nullptr) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEMSGSIZE);
  CHECK(quiet_record(receiver.get(), e.get()).lNetworkEvents == 0);
  CHECK(recvfrom(receiver.get(), buffer, sizeof buffer, 0, nullptr, nullptr) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEWOULDBLOCK);
}
