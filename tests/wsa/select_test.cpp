// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: WSAEventSelect itself: blocking mode, re-selection,
// deselection, and WSAEnumNetworkEvents (section 4.A, G2, G3, G5, G6, G8).
#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include <winsock2.h>

#include "support/catch.hpp"
#include "wsa_support.hpp"

using namespace wsa_test;

TEST_CASE("WSAEventSelect makes the socket non-blocking: recv and accept fail with WSAEWOULDBLOCK",
          "[wsa][select][C02][G6]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_READ) == 0);
  char one = 0;
  CHECK(recv(pair.server.get(), &one, 1, 0) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEWOULDBLOCK);

  const socket_handle listener = make_listener();
  REQUIRE(WSAEventSelect(listener.get(), e.get(), FD_ACCEPT) == 0);
  CHECK(accept(listener.get(), nullptr, nullptr) == INVALID_SOCKET);
  CHECK(WSAGetLastError() == WSAEWOULDBLOCK);
}

TEST_CASE("FIONBIO 0 on a selected socket fails with WSAEINVAL, FIONBIO 1 is allowed",
          "[wsa][select][C03][G6]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_READ) == 0);
  CHECK(set_non_blocking(pair.server.get(), true) == 0);
  CHECK(set_non_blocking(pair.server.get(), false) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEINVAL);
  char one = 0;
  CHECK(recv(pair.server.get(), &one, 1, 0) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEWOULDBLOCK);
}

TEST_CASE("WSAEventSelect(s, NULL, 0) then FIONBIO 0 makes the socket blocking again",
          "[wsa][select][C04][G5][G6]") {
  const wsa_session session;
  tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_READ | FD_CLOSE) == 0);
  REQUIRE(WSAEventSelect(pair.server.get(), nullptr, 0) == 0);
  // Mask 0 alone leaves it non-blocking.
  char buffer[8] = {};
  CHECK(recv(pair.server.get(), buffer, sizeof buffer, 0) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEWOULDBLOCK);
  REQUIRE(set_non_blocking(pair.server.get(), false) == 0);
  std::thread sender([&pair] {
    std::this_thread::sleep_for(ms(200));
    send(pair.client.get(), "abc", 3, 0);
  });
  const blocked_call_watchdog watchdog("a recv made blocking again", 4 * expect_window);
  const int got = recv(pair.server.get(), buffer, sizeof buffer, 0);
  const int error = WSAGetLastError();
  sender.join();
  INFO("recv error " << error);
  CHECK(got == 3);
  // Deselected: the data recorded nothing.
  CHECK_FALSE(is_signalled(e.get()));
}

TEST_CASE("Data arriving while the mask is 0 is reported once reading is selected again",
          "[wsa][select][C16][G1][G5]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_READ | FD_CLOSE) == 0);
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), 0) == 0);
  REQUIRE(send(pair.client.get(), "12345", 5, 0) == 5);
  CHECK_FALSE(wait_signalled(e.get(), quiet_window));
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_READ | FD_CLOSE) == 0);
  expect_record(pair.server.get(), e.get(), FD_READ);
}

TEST_CASE("Selecting again with another event object moves the signals to it",
          "[wsa][select][C17][G5]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle first;
  const event_handle second;
  REQUIRE(WSAEventSelect(pair.server.get(), first.get(), FD_READ) == 0);
  REQUIRE(WSAEventSelect(pair.server.get(), second.get(), FD_READ) == 0);
  REQUIRE(send(pair.client.get(), "x", 1, 0) == 1);
  CHECK(wait_signalled(second.get(), expect_window));
  CHECK_FALSE(is_signalled(first.get()));
  expect_record(pair.server.get(), second.get(), FD_READ);
  CHECK_FALSE(is_signalled(first.get()));
}

TEST_CASE("Selecting again never delivers an enumerated event again, whatever the mask or event",
          "[wsa][select][C26][G2]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle first;
  const event_handle second;
  const long all = FD_READ | FD_WRITE | FD_OOB | FD_ACCEPT | FD_CONNECT | FD_CLOSE;
  REQUIRE(WSAEventSelect(pair.server.get(), first.get(), all) == 0);
  expect_record(pair.server.get(), first.get(), FD_WRITE);
  REQUIRE(WSAEventSelect(pair.server.get(), second.get(), all) == 0);
  WSANETWORKEVENTS ne = quiet_record(pair.server.get(), second.get());
  INFO("after selecting another event: " << describe(ne));
  CHECK(ne.lNetworkEvents == 0);
  REQUIRE(WSAEventSelect(pair.server.get(), nullptr, 0) == 0);
  REQUIRE(WSAEventSelect(pair.server.get(), first.get(), all) == 0);
  ne = quiet_record(pair.server.get(), first.get());
  INFO("after mask 0 and back: " << describe(ne));
  CHECK(ne.lNetworkEvents == 0);
}

TEST_CASE("Selecting again keeps a recorded event: narrowing hides it, widening shows it",
          "[wsa][select][C15][C50][G3]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_READ | FD_CLOSE) == 0);
  REQUIRE(send(pair.client.get(), "x", 1, 0) == 1);
  require_settled_signal(e.get());
  // READ is recorded, not enumerated. A narrower mask neither clears it nor resets the event.
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_CLOSE) == 0);
  CHECK(is_signalled(e.get()));
  WSANETWORKEVENTS ne = enumerate(pair.server.get(), e.get());
  INFO("narrowed: " << describe(ne));
  CHECK(ne.lNetworkEvents == 0);
  CHECK_FALSE(is_signalled(e.get()));
  // Widened again: the record is still there, and selecting signals it.
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_READ | FD_CLOSE) == 0);
  CHECK(wait_signalled(e.get(), expect_window));
  ne = enumerate(pair.server.get(), e.get());
  INFO("widened: " << describe(ne));
  CHECK(ne.lNetworkEvents == FD_READ);
}

TEST_CASE("WSAEnumNetworkEvents with a null event takes the record and leaves the event set",
          "[wsa][select][C05][G8]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_WRITE) == 0);
  require_settled_signal(e.get());
  WSANETWORKEVENTS ne = enumerate(pair.server.get(), nullptr);
  CHECK(ne.lNetworkEvents == FD_WRITE);
  CHECK(is_signalled(e.get()));
  // The record was taken: a second enumeration finds nothing, and this one resets the event.
  ne = enumerate(pair.server.get(), e.get());
  CHECK(ne.lNetworkEvents == 0);
  CHECK_FALSE(is_signalled(e.get()));

  // The article's client: enumerate with NULL, then WSAResetEvent by hand.
  REQUIRE(send(pair.client.get(), "x", 1, 0) == 1);
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_READ) == 0);
  require_settled_signal(e.get());
  ne = enumerate(pair.server.get(), nullptr);
  CHECK(ne.lNetworkEvents == FD_READ);
  CHECK(WSAResetEvent(e.get()));
  CHECK_FALSE(wait_signalled(e.get(), quiet_window));
}

TEST_CASE("WSAEnumNetworkEvents resets the event object it is given, even another one",
          "[wsa][select][C47][G8]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  const event_handle other;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_WRITE) == 0);
  require_settled_signal(e.get());
  REQUIRE(WSASetEvent(other.get()));
  const WSANETWORKEVENTS ne = enumerate(pair.server.get(), other.get());
  CHECK(ne.lNetworkEvents == FD_WRITE);
  CHECK_FALSE(is_signalled(other.get()));
}

TEST_CASE("WSAEnumNetworkEvents writes only the error slots of the events it reports",
          "[wsa][select][C06][G8]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_WRITE) == 0);
  require_settled_signal(e.get());
  WSANETWORKEVENTS ne;
  std::memset(&ne, 0xab, sizeof ne);
  REQUIRE(WSAEnumNetworkEvents(pair.server.get(), e.get(), &ne) == 0);
  CHECK(ne.lNetworkEvents == FD_WRITE);
  for (int i = 0; i < FD_MAX_EVENTS; ++i) {
    INFO("slot " << i);
    CHECK(ne.iErrorCode[i] == (i == FD_WRITE_BIT ? 0 : static_cast<int>(0xabababab)));
  }
}

TEST_CASE("A signal can come with an empty record: a recv took the data before the enumeration",
          "[wsa][select][C19][G9][G10]") {
  const wsa_session session;
  const tcp_pair pair = make_tcp_pair();
  const event_handle e;
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_READ) == 0);
  REQUIRE(send(pair.client.get(), "abc", 3, 0) == 3);
  require_settled_signal(e.get());
  char buffer[8] = {};
  CHECK(recv(pair.server.get(), buffer, sizeof buffer, 0) == 3);
  CHECK(is_signalled(e.get()));
  const WSANETWORKEVENTS ne = enumerate(pair.server.get(), e.get());
  INFO(describe(ne));
  CHECK(ne.lNetworkEvents == 0);
}

TEST_CASE("Many sockets can share one event: each keeps its own record",
          "[wsa][select][C14][G11]") {
  const wsa_session session;
  const event_handle e;
  constexpr std::size_t count = 40;
  std::vector<tcp_pair> pairs;
  for (std::size_t i = 0; i < count; ++i) {
    pairs.push_back(make_tcp_pair());
    REQUIRE(WSAEventSelect(pairs.back().server.get(), e.get(), FD_READ) == 0);
  }
  for (auto& p : pairs) REQUIRE(send(p.client.get(), "x", 1, 0) == 1);
  REQUIRE(wait_signalled(e.get(), expect_window));
  std::this_thread::sleep_for(ms(300));
  // The first enumeration resets the shared event though the others still hold READ: a
  // program must enumerate every socket of a signalled event.
  WSANETWORKEVENTS ne = enumerate(pairs[0].server.get(), e.get());
  CHECK(ne.lNetworkEvents == FD_READ);
  CHECK_FALSE(is_signalled(e.get()));
  std::vector<bool> reported(count, false);
  reported[0] = true;
  // A late arrival signals the event again: enumerate the others until all have come.
  const auto deadline = std::chrono::steady_clock::now() + expect_window;
  for (;;) {
    for (std::size_t i = 1; i < count; ++i) {
      if (reported[i]) continue;
      ne = enumerate(pairs[i].server.get(), e.get());
      INFO("socket " << i << ": " << describe(ne));
      CHECK((ne.lNetworkEvents == 0 || ne.lNetworkEvents == FD_READ));
      reported[i] = ne.lNetworkEvents == FD_READ;
    }
    if (std::find(reported.begin(), reported.end(), false) == reported.end()) break;
    if (std::chrono::steady_clock::now() >= deadline) break;
    wait_signalled(e.get(), ms(50));
  }
  CHECK(std::count(reported.begin(), reported.end(), true) == static_cast<long>(count));
  // Nothing comes twice.
  CHECK_FALSE(wait_signalled(e.get(), quiet_window));
  for (auto& p : pairs) CHECK(enumerate(p.server.get(), e.get()).lNetworkEvents == 0);
}
