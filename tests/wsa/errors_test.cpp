// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: error returns: no WSAStartup, invalid sockets, hostile
// arguments (C45, C60).
#include <winsock2.h>

#include "support/catch.hpp"
#include "wsa_support.hpp"

using namespace wsa_test;

// Runs without a session of its own: every other case ends with its WSACleanup, so the count
// is zero here (each case also runs in a process of its own under CTest).
TEST_CASE("Calls before WSAStartup and after the last WSACleanup fail with WSANOTINITIALISED",
          "[wsa][errors][startup]") {
  CHECK(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) == INVALID_SOCKET);
  CHECK(WSAGetLastError() == WSANOTINITIALISED);
  CHECK(WSACleanup() == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSANOTINITIALISED);

  // WSAStartup calls are counted: two need two WSACleanup calls.
  WSADATA data{};
  REQUIRE(WSAStartup(MAKEWORD(2, 2), &data) == 0);
  CHECK(data.wVersion == MAKEWORD(2, 2));
  REQUIRE(WSAStartup(MAKEWORD(2, 2), &data) == 0);
  CHECK(WSACleanup() == 0);
  const SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  CHECK(s != INVALID_SOCKET);
  if (s != INVALID_SOCKET) CHECK(closesocket(s) == 0);
  CHECK(WSACleanup() == 0);
  CHECK(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) == INVALID_SOCKET);
  CHECK(WSAGetLastError() == WSANOTINITIALISED);
  CHECK(WSACleanup() == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSANOTINITIALISED);
}

TEST_CASE("Calls on INVALID_SOCKET or a closed socket fail with WSAENOTSOCK",
          "[wsa][errors][C18][C45]") {
  const wsa_session session;
  const event_handle e;
  const SOCKET closed = make_tcp_socket().release();
  REQUIRE(closesocket(closed) == 0);
  for (const SOCKET s : {INVALID_SOCKET, closed}) {
    INFO((s == INVALID_SOCKET ? "INVALID_SOCKET" : "a closed socket"));
    char one = 0;
    WSANETWORKEVENTS ne{};
    u_long mode = 1;
    CHECK(closesocket(s) == SOCKET_ERROR);
    CHECK(WSAGetLastError() == WSAENOTSOCK);
    CHECK(recv(s, &one, 1, 0) == SOCKET_ERROR);
    CHECK(WSAGetLastError() == WSAENOTSOCK);
    CHECK(send(s, &one, 1, 0) == SOCKET_ERROR);
    CHECK(WSAGetLastError() == WSAENOTSOCK);
    CHECK(ioctlsocket(s, FIONBIO, &mode) == SOCKET_ERROR);
    CHECK(WSAGetLastError() == WSAENOTSOCK);
    CHECK(WSAEventSelect(s, e.get(), FD_READ) == SOCKET_ERROR);
    CHECK(WSAGetLastError() == WSAENOTSOCK);
    CHECK(WSAEnumNetworkEvents(s, e.get(), &ne) == SOCKET_ERROR);
    CHECK(WSAGetLastError() == WSAENOTSOCK);
    CHECK(accept(s, nullptr, nullptr) == INVALID_SOCKET);
    CHECK(WSAGetLastError() == WSAENOTSOCK);
  }
}

// Documented so; Wine 8.0 writes through the pointer and the process faults (W19).
TEST_CASE("WSAEnumNetworkEvents with a null record pointer fails with WSAEFAULT",
          "[wsa][errors][G8][W19]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_WRITE) == 0);
  REQUIRE(wait_signalled(e.get(), expect_window));
  CHECK(WSAEnumNetworkEvents(pair.server.get(), e.get(), nullptr) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEFAULT);
}

TEST_CASE("A never-selected socket enumerates no events", "[wsa][errors][C01][C45]") {
  const wsa_session session;
  const socket_handle s = make_tcp_socket();
  const event_handle e;
  CHECK(enumerate(s.get(), e.get()).lNetworkEvents == 0);
  REQUIRE(WSAEventSelect(s.get(), e.get(),
                         FD_READ | FD_WRITE | FD_OOB | FD_ACCEPT | FD_CONNECT | FD_CLOSE) == 0);
  CHECK(quiet_record(s.get(), e.get()).lNetworkEvents == 0);
}

// Windows' answer to such a mask is not documented (Wine takes it); what every Winsock must
// hold is that no bit outside FD_ALL_EVENTS is ever reported, and the known bits still work.
TEST_CASE("A mask with bits outside FD_ALL_EVENTS never brings those bits into a record",
          "[wsa][errors][C60]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  const long mask = FD_WRITE | 0x40000000L | (FD_ALL_EVENTS + 1);
  const int rc = WSAEventSelect(pair.server.get(), e.get(), mask);
  if (rc == SOCKET_ERROR) {
    CHECK(WSAGetLastError() == WSAEINVAL);
    CHECK_FALSE(wait_signalled(e.get(), quiet_window));
    return;
  }
  expect_record(pair.server.get(), e.get(), FD_WRITE);
  CHECK(quiet_record(pair.server.get(), e.get()).lNetworkEvents == 0);
}
