// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: attacks by threads. Races an outside program may run against
// Winsock: waits, sets and resets of one event at once, and closesocket or WSACleanup while
// another thread is inside a call. Every case states what Windows does.
#include <array>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <winsock2.h>

#include "support/catch.hpp"
#include "wsa_support.hpp"

using namespace wsa_test;

namespace {

using clock = std::chrono::steady_clock;

// What a blocking call on another thread returned (0, or SOCKET_ERROR) and its error code.
// Catch2's assertions are not for other threads: the call's thread records, the test checks.
struct call_result {
  int rc = 0;
  int error = 0;
};

// Runs `call` (a blocking call returning 0 or SOCKET_ERROR) on another thread under a watchdog
// named `what`, gives it 300 ms to block, runs `end` here (the close or cleanup that must end
// it), and returns what the call saw once it has returned.
template <class Call, class End>
call_result end_blocked_call(const char* what, Call call, End end) {
  std::atomic<int> rc{0};
  std::atomic<int> error{0};
  std::thread caller([&] {
    const blocked_call_watchdog watchdog(what, 10s);
    rc = call();
    error = WSAGetLastError();
  });
  std::this_thread::sleep_for(ms(300));
  end();
  caller.join();
  return call_result{rc.load(), error.load()};
}

}  // namespace

// SetEvent on a manual-reset event satisfies every wait in progress at that moment; a reset
// that follows cannot take the wake-up back (Wine's server, like NT's kernel, completes the
// waits inside the set). A program that pulses a "wake up and look" event relies on it.
TEST_CASE("A set followed at once by a reset still releases every thread already waiting",
          "[wsa][attack][wait][threads]") {
  const wsa_session session;
  const event_handle e;
  constexpr int rounds = 5;
  constexpr int waiters = 4;
  int released = 0;
  for (int round = 0; round < rounds; ++round) {
    WSAEVENT handle = e.get();
    std::array<std::atomic<DWORD>, waiters> results{};
    std::vector<std::thread> threads;
    for (int w = 0; w < waiters; ++w) {
      results[w] = WSA_WAIT_FAILED;
      threads.emplace_back(
          [&, w] { results[w] = WSAWaitForMultipleEvents(1, &handle, FALSE, 2000, FALSE); });
    }
    std::this_thread::sleep_for(ms(100));  // the waiters are inside their waits by now
    const BOOL set = WSASetEvent(handle);
    const BOOL reset = WSAResetEvent(handle);
    for (auto& t : threads) t.join();
    CHECK(set == TRUE);
    CHECK(reset == TRUE);
    for (const auto& r : results) {
      if (r.load() == WSA_WAIT_EVENT_0) ++released;
    }
  }
  CHECK(released == rounds * waiters);
}

// Many waits over overlapping sets (any and all) while two threads set and reset the events
// at random: every wait returns a valid answer (an index inside its array, or a timeout) in
// about its timeout, and nothing else goes wrong. For the sanitizers above all.
TEST_CASE("Threads waiting on overlapping event sets while others set and reset them",
          "[wsa][attack][wait][threads]") {
  const wsa_session session;
  constexpr std::size_t event_count = 16;
  std::array<event_handle, event_count> events;
  std::array<WSAEVENT, event_count> handles{};
  for (std::size_t i = 0; i < event_count; ++i) handles[i] = events[i].get();
  std::atomic<bool> stop{false};
  std::atomic<int> bad_answers{0};
  std::atomic<int> slow_answers{0};
  std::atomic<int> answers{0};
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < 8; ++w) {
    threads.emplace_back([&, w] {
      // Waiter w waits on 2 + w events starting at w (wrapping), wait-all on the odd ones.
      std::vector<WSAEVENT> mine;
      for (std::size_t i = 0; i < 2 + w; ++i) mine.push_back(handles[(w + i) % event_count]);
      const BOOL all = (w % 2) == 1 ? TRUE : FALSE;
      while (!stop.load()) {
        const auto start = clock::now();
        const DWORD rc =
            WSAWaitForMultipleEvents(static_cast<DWORD>(mine.size()), mine.data(), all, 20, FALSE);
        const auto took = clock::now() - start;
        if (rc != WSA_WAIT_TIMEOUT && rc >= WSA_WAIT_EVENT_0 + mine.size()) ++bad_answers;
        if (took > ms(1000)) ++slow_answers;
        ++answers;
      }
    });
  }
  for (unsigned s = 0; s < 2; ++s) {
    threads.emplace_back([&, s] {
      unsigned state = 12345u + s;
      while (!stop.load()) {
        state = state * 1103515245u + 12345u;
        WSAEVENT e = handles[(state >> 8) % event_count];
        if (((state >> 20) & 1u) == 0) {
          if (!WSASetEvent(e)) ++bad_answers;
        } else {
          if (!WSAResetEvent(e)) ++bad_answers;
        }
        if (((state >> 4) & 7u) == 0) std::this_thread::sleep_for(ms(1));
      }
    });
  }
  std::this_thread::sleep_for(ms(1500));
  stop = true;
  for (auto& t : threads) t.join();
  CHECK(bad_answers.load() == 0);
  CHECK(slow_answers.load() == 0);
  CHECK(answers.load() > 0);
}

// A wait-any may name one event twice: the lowest index answers.
TEST_CASE("A wait-any given one event twice answers with the lowest index", "[wsa][attack][wait]") {
  const wsa_session session;
  const event_handle e;
  const event_handle other;
  REQUIRE(WSASetEvent(e.get()));
  const WSAEVENT twice[3] = {other.get(), e.get(), e.get()};
  CHECK(WSAWaitForMultipleEvents(3, twice, FALSE, 0, FALSE) == WSA_WAIT_EVENT_0 + 1);
}

// closesocket cancels the blocking calls other threads have on the socket ("any pending
// blocking ... calls issued by any thread in this process are canceled"): they fail. The
// code is not pinned down: Windows is reported to say WSAEINTR, Wine 8 says WSAEINVAL for
// recv and ERROR_OPERATION_ABORTED for accept.
TEST_CASE("closesocket on one thread ends a blocking recv on another with an error",
          "[wsa][attack][threads][close]") {
  const wsa_session session;
  tcp_pair pair = make_tcp_pair();
  const SOCKET s = pair.server.release();
  const call_result seen = end_blocked_call(
      "recv on a socket closed by another thread",
      [s] {
        char buffer[16];
        return recv(s, buffer, sizeof buffer, 0);
      },
      [s] { CHECK(closesocket(s) == 0); });
  CHECK(seen.rc == SOCKET_ERROR);
  INFO("failed with " << seen.error);
  CHECK(seen.error != 0);
}

TEST_CASE("closesocket on one thread ends a blocking accept on another with an error",
          "[wsa][attack][threads][close]") {
  const wsa_session session;
  socket_handle listener = make_listener();
  const SOCKET s = listener.release();
  const call_result seen = end_blocked_call(
      "accept on a socket closed by another thread",
      [s] {
        const SOCKET a = accept(s, nullptr, nullptr);
        if (a == INVALID_SOCKET) return SOCKET_ERROR;
        closesocket(a);
        return 0;
      },
      [s] { CHECK(closesocket(s) == 0); });
  CHECK(seen.rc == SOCKET_ERROR);
  INFO("failed with " << seen.error);
  CHECK(seen.error != 0);
}

// Sockets closed while another thread selects, enumerates, peeks and sends on them: each
// call either works or says WSAENOTSOCK, and nothing is corrupted (ASan, TSan).
TEST_CASE("Sockets closed while another thread selects, enumerates and sends on them",
          "[wsa][attack][threads][close]") {
  const wsa_session session;
  constexpr std::size_t count = 24;
  std::vector<tcp_pair> pairs;
  std::vector<SOCKET> servers;
  for (std::size_t i = 0; i < count; ++i) {
    pairs.push_back(make_tcp_pair());
    servers.push_back(pairs.back().server.release());
  }
  const event_handle e1;
  const event_handle e2;
  std::atomic<bool> stop{false};
  std::atomic<int> unexpected{0};
  std::atomic<int> last_unexpected{0};
  auto note = [&](int rc) {
    if (rc == SOCKET_ERROR) {
      const int error = WSAGetLastError();
      if (error != WSAENOTSOCK && error != WSAEWOULDBLOCK) {
        ++unexpected;
        last_unexpected = error;
      }
    }
  };
  std::thread worker([&] {
    unsigned round = 0;
    while (!stop.load()) {
      for (const SOCKET s : servers) {
        const long mask = (round % 2) == 0 ? FD_READ | FD_CLOSE : FD_READ | FD_WRITE | FD_CLOSE;
        note(WSAEventSelect(s, (round % 3) == 0 ? e1.get() : e2.get(), mask));
        WSANETWORKEVENTS ne{};
        note(WSAEnumNetworkEvents(s, (round % 2) == 0 ? e1.get() : nullptr, &ne));
        char b[8];
        note(recv(s, b, sizeof b, MSG_PEEK));
        note(send(s, "x", 1, 0));
      }
      ++round;
    }
  });
  std::thread writer([&] {
    while (!stop.load()) {
      for (auto& p : pairs) {
        (void)send(p.client.get(), "data", 4, 0);
      }
      std::this_thread::sleep_for(ms(2));
    }
  });
  for (const SOCKET s : servers) {
    std::this_thread::sleep_for(ms(20));
    CHECK(closesocket(s) == 0);
  }
  stop = true;
  worker.join();
  writer.join();
  INFO("last unexpected error " << last_unexpected.load());
  CHECK(unexpected.load() == 0);
}

// "Sockets open when WSACleanup is called are reset and automatically deallocated as if
// closesocket were called": a recv blocked on another thread is cancelled with the socket.
// A blocking accept, not a recv: WSACleanup closes every socket of the process, a recv's
// peer too, and a recv that sees the peer's end before its own socket goes returns 0 (Wine
// 8 does, now and then). No peer can end an accept.
TEST_CASE("The last WSACleanup ends a blocking accept on another thread with an error",
          "[wsa][attack][threads][startup]") {
  WSADATA data{};
  REQUIRE(WSAStartup(MAKEWORD(2, 2), &data) == 0);
  bool cleaned = false;
  {
    socket_handle listener = make_listener();
    const SOCKET l = listener.release();  // closed by WSACleanup
    const call_result seen = end_blocked_call(
        "accept while WSACleanup runs",
        [l] { return accept(l, nullptr, nullptr) == INVALID_SOCKET ? SOCKET_ERROR : 0; },
        [&cleaned] { cleaned = WSACleanup() == 0; });
    CHECK(seen.rc == SOCKET_ERROR);
    INFO("accept failed with " << seen.error);
    CHECK(seen.error != 0);
  }
  CHECK(cleaned);
}

// WSAStartup and WSACleanup are counted: a socket lives until the last WSACleanup, which
// closes it; after a new WSAStartup its handle names nothing.
TEST_CASE("Sockets survive a WSACleanup that is not the last and are gone after the last one",
          "[wsa][attack][startup]") {
  WSADATA data{};
  REQUIRE(WSAStartup(MAKEWORD(2, 2), &data) == 0);
  REQUIRE(WSAStartup(MAKEWORD(2, 2), &data) == 0);
  const SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  REQUIRE(s != INVALID_SOCKET);
  CHECK(WSACleanup() == 0);
  int type = 0;
  int length = sizeof type;
  CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&type), &length) == 0);
  CHECK(type == SOCK_DGRAM);
  CHECK(WSACleanup() == 0);
  CHECK(WSACleanup() == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSANOTINITIALISED);
  REQUIRE(WSAStartup(MAKEWORD(2, 2), &data) == 0);
  length = sizeof type;
  CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&type), &length) ==
        SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAENOTSOCK);
  CHECK(WSACleanup() == 0);
}
