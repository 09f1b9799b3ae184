// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: event objects and WSAWaitForMultipleEvents (G14, C12, C13).
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <winsock2.h>

#include "support/catch.hpp"
#include "wsa_support.hpp"

using namespace wsa_test;

namespace {

// Event objects by the dozen, each closed at the end of the case.
struct event_set {
  explicit event_set(std::size_t n) : events(n) {
    for (auto& e : events) handles.push_back(e.get());
  }
  std::vector<event_handle> events;
  std::vector<WSAEVENT> handles;
};

DWORD wait_any(const event_set& set, DWORD timeout) {
  return WSAWaitForMultipleEvents(static_cast<DWORD>(set.handles.size()), set.handles.data(), FALSE,
                                  timeout, FALSE);
}

DWORD wait_all(const event_set& set, DWORD timeout) {
  return WSAWaitForMultipleEvents(static_cast<DWORD>(set.handles.size()), set.handles.data(), TRUE,
                                  timeout, FALSE);
}

}  // namespace

TEST_CASE("WSAWaitForMultipleEvents returns the lowest signalled index every time",
          "[wsa][wait][C13][G14]") {
  const wsa_session session;
  const event_set set(4);
  REQUIRE(WSASetEvent(set.handles[3]));
  REQUIRE(WSASetEvent(set.handles[1]));
  // The later-set event comes first, three times: nothing rotates, #3 starves.
  for (int i = 0; i < 3; ++i) CHECK(wait_any(set, 0) == WSA_WAIT_EVENT_0 + 1);
  REQUIRE(WSAResetEvent(set.handles[1]));
  CHECK(wait_any(set, 0) == WSA_WAIT_EVENT_0 + 3);
  REQUIRE(WSASetEvent(set.handles[0]));
  CHECK(wait_any(set, 0) == WSA_WAIT_EVENT_0);
  // A thread that sets a higher index while a lower one is set changes nothing.
  std::thread setter([&set] { WSASetEvent(set.handles[2]); });
  setter.join();
  CHECK(wait_any(set, 1000) == WSA_WAIT_EVENT_0);
}

TEST_CASE("A wait-all returns once every event is signalled, and the events stay set",
          "[wsa][wait][G14]") {
  const wsa_session session;
  const event_set set(3);
  REQUIRE(WSASetEvent(set.handles[0]));
  REQUIRE(WSASetEvent(set.handles[2]));
  CHECK(wait_all(set, 0) == WSA_WAIT_TIMEOUT);
  std::thread setter([&set] {
    std::this_thread::sleep_for(ms(100));
    WSASetEvent(set.handles[1]);
  });
  const DWORD rc = wait_all(set, static_cast<DWORD>(expect_window.count()));
  setter.join();
  CHECK(rc - WSA_WAIT_EVENT_0 < 3);  // unsigned: an index of the three
  // Manual-reset events: the wait consumed nothing.
  CHECK(wait_all(set, 0) == rc);
  for (WSAEVENT e : set.handles) CHECK(is_signalled(e));
}

TEST_CASE("A wait-all never returns for events signalled one after the other, never together",
          "[wsa][wait][G14]") {
  const wsa_session session;
  const event_set set(2);
  // One thread sets and resets them in turn: at no moment are both set. A wait-all that
  // looked at them one by one would see each set in turn and return.
  std::atomic<bool> stop{false};
  std::atomic<int> rounds{0};
  std::thread toggler([&] {
    const auto deadline = std::chrono::steady_clock::now() + fill_window;
    while (!stop && std::chrono::steady_clock::now() < deadline) {
      for (WSAEVENT e : set.handles) {
        WSASetEvent(e);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        WSAResetEvent(e);
      }
      ++rounds;
    }
  });
  const DWORD rc = wait_all(set, 500);
  stop = true;
  toggler.join();
  CHECK(rc == WSA_WAIT_TIMEOUT);
  CHECK(rounds > 10);
}

TEST_CASE("A wait-all that times out consumes nothing: the set events stay set",
          "[wsa][wait][G14]") {
  const wsa_session session;
  const event_set set(3);
  REQUIRE(WSASetEvent(set.handles[0]));
  REQUIRE(WSASetEvent(set.handles[1]));
  CHECK(wait_all(set, 100) == WSA_WAIT_TIMEOUT);
  CHECK(is_signalled(set.handles[0]));
  CHECK(is_signalled(set.handles[1]));
  CHECK_FALSE(is_signalled(set.handles[2]));
  CHECK(wait_any(set, 0) == WSA_WAIT_EVENT_0);
}

TEST_CASE("WSAWaitForMultipleEvents takes 1 to 64 events: 0 and 65 fail with WSA_INVALID_PARAMETER",
          "[wsa][wait][C12][G14]") {
  const wsa_session session;
  static_assert(WSA_MAXIMUM_WAIT_EVENTS == 64, "Windows waits on at most 64 events");
  const event_set set(WSA_MAXIMUM_WAIT_EVENTS + 1);
  WSASetLastError(0);
  CHECK(WSAWaitForMultipleEvents(0, set.handles.data(), FALSE, 0, FALSE) == WSA_WAIT_FAILED);
  CHECK(WSAGetLastError() == WSA_INVALID_PARAMETER);
  WSASetLastError(0);
  CHECK(WSAWaitForMultipleEvents(65, set.handles.data(), FALSE, 0, FALSE) == WSA_WAIT_FAILED);
  CHECK(WSAGetLastError() == WSA_INVALID_PARAMETER);
  WSASetLastError(0);
  CHECK(WSAWaitForMultipleEvents(65, set.handles.data(), TRUE, 0, FALSE) == WSA_WAIT_FAILED);
  CHECK(WSAGetLastError() == WSA_INVALID_PARAMETER);
  // A rejected call does not wait: a signalled 65th event, or a long timeout, changes nothing.
  REQUIRE(WSASetEvent(set.handles[64]));
  const auto start = std::chrono::steady_clock::now();
  CHECK(WSAWaitForMultipleEvents(65, set.handles.data(), FALSE, 5000, FALSE) == WSA_WAIT_FAILED);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));

  CHECK(WSAWaitForMultipleEvents(64, set.handles.data(), FALSE, 0, FALSE) == WSA_WAIT_TIMEOUT);
  REQUIRE(WSASetEvent(set.handles[63]));
  CHECK(WSAWaitForMultipleEvents(64, set.handles.data(), FALSE, 0, FALSE) == WSA_WAIT_EVENT_0 + 63);
  for (std::size_t i = 0; i < 64; ++i) REQUIRE(WSASetEvent(set.handles[i]));
  const DWORD all = WSAWaitForMultipleEvents(64, set.handles.data(), TRUE, 0, FALSE);
  CHECK(all - WSA_WAIT_EVENT_0 < 64);  // unsigned: an index of the 64
}

TEST_CASE("A wait on a handle that is not an event fails with WSA_INVALID_HANDLE",
          "[wsa][wait][errors]") {
  const wsa_session session;
  const event_handle good;
  REQUIRE(WSASetEvent(good.get()));
  WSAEVENT handles[] = {good.get(), WSA_INVALID_EVENT};
  WSASetLastError(0);
  // Even with the first one signalled: the handles are checked before anything is waited on.
  CHECK(WSAWaitForMultipleEvents(2, handles, FALSE, 0, FALSE) == WSA_WAIT_FAILED);
  CHECK(WSAGetLastError() == WSA_INVALID_HANDLE);
}

TEST_CASE("A wait times out with WSA_WAIT_TIMEOUT after about its timeout, and 0 only polls",
          "[wsa][wait][C13]") {
  const wsa_session session;
  const event_set set(2);
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  CHECK(wait_any(set, 300) == WSA_WAIT_TIMEOUT);
  auto took = clock::now() - start;
  // Loose bounds: Windows counts in clock ticks (about 16 ms), and the machine may be busy.
  CHECK(took >= ms(250));
  CHECK(took < ms(300) + expect_window);

  start = clock::now();
  CHECK(wait_any(set, 0) == WSA_WAIT_TIMEOUT);
  CHECK(wait_all(set, 0) == WSA_WAIT_TIMEOUT);
  CHECK(clock::now() - start < expect_window);

  // WSA_INFINITE ends when another thread sets an event.
  std::thread setter([&set] {
    std::this_thread::sleep_for(ms(100));
    WSASetEvent(set.handles[1]);
  });
  const blocked_call_watchdog watchdog("a WSA_INFINITE wait", 4 * expect_window);
  CHECK(wait_any(set, WSA_INFINITE) == WSA_WAIT_EVENT_0 + 1);
  setter.join();
}

TEST_CASE("Events are manual-reset: set stays set across waits until WSAResetEvent",
          "[wsa][wait][G14]") {
  const wsa_session session;
  const event_handle e;
  CHECK_FALSE(is_signalled(e.get()));
  CHECK(WSASetEvent(e.get()));
  for (int i = 0; i < 3; ++i) CHECK(is_signalled(e.get()));
  CHECK(WSASetEvent(e.get()));
  CHECK(WSAResetEvent(e.get()));
  CHECK_FALSE(is_signalled(e.get()));
  CHECK(WSAResetEvent(e.get()));
  CHECK_FALSE(is_signalled(e.get()));
}

TEST_CASE("WSASetEvent, WSAResetEvent and WSACloseEvent fail on a handle that is no event",
          "[wsa][wait][errors]") {
  const wsa_session session;
  // Each call fails and sets the error itself (cleared before, so that none is left over).
  const auto refused = [](WSAEVENT bad) {
    WSASetLastError(0);
    CHECK_FALSE(WSASetEvent(bad));
    CHECK(WSAGetLastError() == WSA_INVALID_HANDLE);
    WSASetLastError(0);
    CHECK_FALSE(WSAResetEvent(bad));
    CHECK(WSAGetLastError() == WSA_INVALID_HANDLE);
    WSASetLastError(0);
    CHECK_FALSE(WSACloseEvent(bad));
    CHECK(WSAGetLastError() == WSA_INVALID_HANDLE);
  };
  refused(WSA_INVALID_EVENT);

  // A closed event, used at once (before anything else could be given its value).
  const WSAEVENT closed = WSACreateEvent();
  REQUIRE(closed != WSA_INVALID_EVENT);
  REQUIRE(WSACloseEvent(closed));
  refused(closed);
}
