// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: attacks by arguments. Zero and negative lengths, handles that
// are no socket or no event, short address buffers, urgent data, options, and the calls where
// Winsock answers otherwise than POSIX. Every case states what Windows does.
#include <chrono>
#include <thread>

#include <winsock2.h>

#include "support/catch.hpp"
#include "wsa_support.hpp"

using namespace wsa_test;

namespace {
using clock = std::chrono::steady_clock;
}  // namespace

// ---- zero and bad lengths ---------------------------------------------------------------

// A zero-length recv on a stream asks "is there something": WSAEWOULDBLOCK before data, 0
// once data is queued (taking nothing).
TEST_CASE("A zero-length recv on a non-blocking stream says WSAEWOULDBLOCK, then 0 with data",
          "[wsa][attack][lengths]") {
  const wsa_session session;
  tcp_pair pair = make_tcp_pair();
  REQUIRE(set_non_blocking(pair.server.get(), true) == 0);
  char buffer[8] = {};
  CHECK(recv(pair.server.get(), buffer, 0, 0) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEWOULDBLOCK);
  REQUIRE(send(pair.client.get(), "abc", 3, 0) == 3);
  std::this_thread::sleep_for(settle_window);
  CHECK(recv(pair.server.get(), buffer, 0, 0) == 0);
  CHECK(recv(pair.server.get(), buffer, sizeof buffer, 0) == 3);
}

// A zero-length send on a connected stream succeeds and sends nothing.
TEST_CASE("A zero-length send on a connected stream returns 0", "[wsa][attack][lengths]") {
  const wsa_session session;
  tcp_pair pair = make_tcp_pair();
  CHECK(send(pair.client.get(), "", 0, 0) == 0);
  REQUIRE(set_non_blocking(pair.server.get(), true) == 0);
  char buffer[8];
  CHECK(recv(pair.server.get(), buffer, sizeof buffer, 0) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEWOULDBLOCK);
}

// A negative length is a buffer that cannot be valid: WSAEFAULT, and nothing taken.
TEST_CASE("recv and send with a negative length fail with WSAEFAULT and take nothing",
          "[wsa][attack][lengths]") {
  const wsa_session session;
  tcp_pair pair = make_tcp_pair();
  char buffer[8] = {};
  REQUIRE(send(pair.client.get(), "abc", 3, 0) == 3);
  std::this_thread::sleep_for(settle_window);
  CHECK(recv(pair.server.get(), buffer, -1, 0) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEFAULT);
  CHECK(send(pair.server.get(), buffer, -5, 0) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEFAULT);
  CHECK(recv(pair.server.get(), buffer, sizeof buffer, 0) == 3);
}

// ---- bad handles and short buffers ------------------------------------------------------

TEST_CASE(
    "WSAEventSelect and WSAEnumNetworkEvents on a handle that is no socket fail with "
    "WSAENOTSOCK",
    "[wsa][attack][handles]") {
  const wsa_session session;
  const event_handle e;
  WSANETWORKEVENTS ne{};
  for (const SOCKET garbage :
       {static_cast<SOCKET>(0x7ffff0), static_cast<SOCKET>(12345678), INVALID_SOCKET}) {
    CHECK(WSAEventSelect(garbage, e.get(), FD_READ) == SOCKET_ERROR);
    CHECK(WSAGetLastError() == WSAENOTSOCK);
    CHECK(WSAEnumNetworkEvents(garbage, e.get(), &ne) == SOCKET_ERROR);
    CHECK(WSAGetLastError() == WSAENOTSOCK);
  }
}

TEST_CASE("WSAEventSelect with an event handle that is no event fails with WSAEINVAL",
          "[wsa][attack][handles]") {
  const wsa_session session;
  socket_handle s = make_tcp_socket();
  WSAEVENT closed = WSACreateEvent();
  REQUIRE(closed != WSA_INVALID_EVENT);
  REQUIRE(WSACloseEvent(closed));
  CHECK(WSAEventSelect(s.get(), closed, FD_READ) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEINVAL);
  CHECK(WSAEventSelect(s.get(), reinterpret_cast<WSAEVENT>(0x7ffff0), FD_READ) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEINVAL);
}

// accept with an address buffer too small for the family's sockaddr fails with WSAEFAULT.
// (Whether the connection is then lost differs: Wine accepts and closes it.)
TEST_CASE("accept with a short address buffer fails with WSAEFAULT", "[wsa][attack][handles]") {
  const wsa_session session;
  socket_handle listener = make_listener();
  socket_handle client = connect_to(listener.get());
  std::this_thread::sleep_for(settle_window);
  REQUIRE(set_non_blocking(listener.get(), true) == 0);
  sockaddr_in peer{};
  int length = sizeof peer - 1;
  CHECK(accept(listener.get(), reinterpret_cast<sockaddr*>(&peer), &length) == INVALID_SOCKET);
  CHECK(WSAGetLastError() == WSAEFAULT);
}

// ---- Winsock's own answers where POSIX answers otherwise ---------------------------------

// "WSAEINVAL: The parameter s is a listening socket" (connect). Linux says EISCONN.
TEST_CASE("connect on a listening socket fails with WSAEINVAL", "[wsa][attack][errors]") {
  const wsa_session session;
  socket_handle listener = make_listener();
  socket_handle other = make_listener();
  const sockaddr_in a = local_address(other.get());
  CHECK(connect(listener.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEINVAL);
}

// "WSAENOTCONN: The socket is not connected" (send). Linux says EPIPE.
TEST_CASE("send on a stream socket never connected fails with WSAENOTCONN",
          "[wsa][attack][errors][W21]") {
  const wsa_session session;
  socket_handle s = make_tcp_socket();
  CHECK(send(s.get(), "x", 1, 0) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAENOTCONN);
  char buffer[4];
  CHECK(recv(s.get(), buffer, sizeof buffer, 0) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAENOTCONN);
}

// "If the how parameter is SD_RECEIVE, subsequent calls to the recv function on the socket
// will be disallowed": recv fails with WSAESHUTDOWN (Linux returns 0, an end of stream).
TEST_CASE("recv after shutdown(SD_RECEIVE) fails with WSAESHUTDOWN", "[wsa][attack][errors]") {
  const wsa_session session;
  tcp_pair pair = make_tcp_pair();
  REQUIRE(shutdown(pair.server.get(), SD_RECEIVE) == 0);
  char buffer[4];
  CHECK(recv(pair.server.get(), buffer, sizeof buffer, 0) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAESHUTDOWN);
}

// Windows reports the buffer size the program set; Linux doubles it for its bookkeeping.
TEST_CASE("SO_RCVBUF and SO_SNDBUF read back what was set", "[wsa][attack][options]") {
  const wsa_session session;
  socket_handle s = make_tcp_socket();
  const int wanted = 32768;
  REQUIRE(setsockopt(s.get(), SOL_SOCKET, SO_RCVBUF, reinterpret_cast<const char*>(&wanted),
                     sizeof wanted) == 0);
  REQUIRE(setsockopt(s.get(), SOL_SOCKET, SO_SNDBUF, reinterpret_cast<const char*>(&wanted),
                     sizeof wanted) == 0);
  int value = 0;
  int length = sizeof value;
  CHECK(getsockopt(s.get(), SOL_SOCKET, SO_RCVBUF, reinterpret_cast<char*>(&value), &length) == 0);
  CHECK(value == wanted);
  length = sizeof value;
  CHECK(getsockopt(s.get(), SOL_SOCKET, SO_SNDBUF, reinterpret_cast<char*>(&value), &length) == 0);
  CHECK(value == wanted);
}

// SO_RCVTIMEO bounds a blocking recv: it fails with WSAETIMEDOUT after about that long.
TEST_CASE("A blocking recv with SO_RCVTIMEO fails with WSAETIMEDOUT after about the timeout",
          "[wsa][attack][options]") {
  const wsa_session session;
  tcp_pair pair = make_tcp_pair();
  REQUIRE(set_receive_timeout(pair.server.get(), 300) == 0);
  const blocked_call_watchdog watchdog("recv with SO_RCVTIMEO", 10s);
  char buffer[4];
  const auto start = clock::now();
  CHECK(recv(pair.server.get(), buffer, sizeof buffer, 0) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAETIMEDOUT);
  const auto took = std::chrono::duration_cast<ms>(clock::now() - start);
  CHECK(took >= ms(250));
  CHECK(took < ms(2000));
}

// ---- urgent data -------------------------------------------------------------------------

TEST_CASE("Urgent data is announced by FD_OOB and read with MSG_OOB", "[wsa][attack][oob]") {
  const wsa_session session;
  tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_READ | FD_OOB) == 0);
  CHECK(send(pair.client.get(), "!", 1, MSG_OOB) == 1);
  expect_record_with(pair.server.get(), e.get(), FD_OOB);
  char c = 0;
  CHECK(recv(pair.server.get(), &c, 1, MSG_OOB) == 1);
  CHECK(c == '!');
}
