// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: threads: several waiters at once, WSAGetLastError per thread,
// and blocking calls woken by another thread.
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include <winsock2.h>

#include "support/catch.hpp"
#include "wsa_support.hpp"

using namespace wsa_test;

namespace {

using clock = std::chrono::steady_clock;

// Waits (bounded) until `done` holds.
template <class Done>
bool eventually(Done done, ms window = expect_window) {
  const auto deadline = clock::now() + window;
  while (!done()) {
    if (clock::now() >= deadline) return false;
    std::this_thread::sleep_for(ms(5));
  }
  return true;
}

}  // namespace

TEST_CASE("Threads waiting on different events at once each wake on their own only",
          "[wsa][threads][wait]") {
  const wsa_session session;
  constexpr std::size_t waiters = 4;
  std::array<event_handle, waiters> events;
  std::array<std::atomic<DWORD>, waiters> results{};
  std::atomic<std::size_t> started{0};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < waiters; ++i) {
    results[i] = WSA_WAIT_IO_COMPLETION;  // "not returned yet": no wait here is alertable
    threads.emplace_back([&, i] {
      WSAEVENT e = events[i].get();
      ++started;
      results[i] = WSAWaitForMultipleEvents(1, &e, FALSE,
                                            static_cast<DWORD>(4 * expect_window.count()), FALSE);
    });
  }
  REQUIRE(eventually([&] { return started == waiters; }));
  std::this_thread::sleep_for(settle_window);
  for (std::size_t i = 0; i < waiters; ++i) {
    REQUIRE(WSASetEvent(events[i].get()));
    CHECK(eventually([&] { return results[i] != WSA_WAIT_IO_COMPLETION; }));
    CHECK(results[i] == WSA_WAIT_EVENT_0);
    std::this_thread::sleep_for(settle_window);
    for (std::size_t j = i + 1; j < waiters; ++j) CHECK(results[j] == WSA_WAIT_IO_COMPLETION);
  }
  for (auto& t : threads) t.join();
}

TEST_CASE("Threads waiting on one event all wake when it is set: it is manual-reset",
          "[wsa][threads][wait]") {
  const wsa_session session;
  constexpr std::size_t waiters = 4;
  const event_handle e;
  const event_handle other;
  std::array<std::atomic<DWORD>, waiters> results{};
  std::atomic<std::size_t> started{0};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < waiters; ++i) {
    results[i] = WSA_WAIT_IO_COMPLETION;
    threads.emplace_back([&, i] {
      // Half of them wait on it beside another event, at a higher index.
      WSAEVENT handles[] = {e.get(), other.get()};
      ++started;
      results[i] = WSAWaitForMultipleEvents(i % 2 == 0 ? 1 : 2, handles, FALSE,
                                            static_cast<DWORD>(4 * expect_window.count()), FALSE);
    });
  }
  REQUIRE(eventually([&] { return started == waiters; }));
  std::this_thread::sleep_for(settle_window);
  for (const auto& r : results) CHECK(r == WSA_WAIT_IO_COMPLETION);
  REQUIRE(WSASetEvent(e.get()));
  for (const auto& r : results) {
    CHECK(eventually([&] { return r != WSA_WAIT_IO_COMPLETION; }));
    CHECK(r == WSA_WAIT_EVENT_0);
  }
  for (auto& t : threads) t.join();
  CHECK(is_signalled(e.get()));
}

namespace {

// Waits (bounded) for `count` to reach `target` by spinning: a sleep, or a join, is an OS call
// that may set the calling thread's last error itself.
bool spin_until(const std::atomic<int>& count, int target) {
  const auto deadline = clock::now() + expect_window;
  while (count.load() < target) {
    if (clock::now() >= deadline) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("WSAGetLastError is per thread: two threads each see the error of their own call",
          "[wsa][threads][errors]") {
  const wsa_session session;
  const socket_handle unconnected = make_tcp_socket();
  // Both threads fail, each with its own error, before either reads its error, while this
  // thread holds a third.
  std::atomic<int> failed{0};
  std::atomic<int> read{0};
  std::atomic<int> go{0};
  int seen_a = 0;
  int seen_b = 0;
  int seen_c = 0;
  std::thread a([&] {
    spin_until(go, 1);
    closesocket(INVALID_SOCKET);
    ++failed;
    spin_until(failed, 2);
    seen_a = WSAGetLastError();
    ++read;
  });
  std::thread b([&] {
    spin_until(go, 1);
    char one = 0;
    recv(unconnected.get(), &one, 1, 0);
    ++failed;
    spin_until(failed, 2);
    seen_b = WSAGetLastError();
    ++read;
  });
  std::thread c([&] {
    spin_until(go, 1);
    WSASetLastError(WSAEACCES);
    spin_until(read, 2);
    seen_c = WSAGetLastError();
    ++read;
  });
  WSASetLastError(WSAEINTR);
  go = 1;
  const bool all_read = spin_until(read, 3);
  const int seen_here = WSAGetLastError();
  a.join();
  b.join();
  c.join();
  REQUIRE(all_read);
  CHECK(seen_a == WSAENOTSOCK);
  CHECK(seen_b == WSAENOTCONN);
  CHECK(seen_c == WSAEACCES);
  CHECK(seen_here == WSAEINTR);
}

TEST_CASE("A blocking recv on an unselected socket waits until another thread sends",
          "[wsa][threads][blocking]") {
  const wsa_session session;
  tcp_pair pair = make_tcp_pair();
  std::thread sender([&pair] {
    std::this_thread::sleep_for(ms(200));
    send(pair.client.get(), "hello", 5, 0);
  });
  const blocked_call_watchdog watchdog("a blocking recv", 4 * expect_window);
  char buffer[8] = {};
  const auto start = clock::now();
  const int got = recv(pair.server.get(), buffer, sizeof buffer, 0);
  const int error = WSAGetLastError();
  sender.join();
  INFO("recv error " << error);
  REQUIRE(got == 5);
  CHECK(std::memcmp(buffer, "hello", 5) == 0);
  // It waited for the data rather than failing at once.
  CHECK(clock::now() - start >= ms(100));
}

TEST_CASE("A blocking accept on an unselected listener waits until a client connects",
          "[wsa][threads][blocking]") {
  const wsa_session session;
  const socket_handle listener = make_listener();
  const sockaddr_in address = local_address(listener.get());
  std::atomic<SOCKET> client{INVALID_SOCKET};
  std::thread connector([&] {
    std::this_thread::sleep_for(ms(200));
    const SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    connect(c, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    client = c;
  });
  const blocked_call_watchdog watchdog("a blocking accept", 4 * expect_window);
  const auto start = clock::now();
  const socket_handle accepted(accept(listener.get(), nullptr, nullptr));
  const int error = WSAGetLastError();
  connector.join();
  const socket_handle connected(client.load());
  INFO("accept error " << error);
  CHECK(accepted.get() != INVALID_SOCKET);
  CHECK(clock::now() - start >= ms(100));
}

// Two threads wait, each on its own socket's event; the first to wait is woken first and
// leaves. Events for the socket of the one still waiting must reach it then: on the layer,
// the thread that leaves hands the watching of the sockets on (docs/wsa.md, "Several
// threads waiting at once").
TEST_CASE("A thread still waiting gets its socket's event after another waiting thread has left",
          "[wsa][threads][wait]") {
  const wsa_session session;
  std::array<tcp_pair, 2> pairs{make_tcp_pair(), make_tcp_pair()};
  std::array<event_handle, 2> events;
  for (std::size_t i = 0; i < 2; ++i) {
    REQUIRE(WSAEventSelect(pairs[i].server.get(), events[i].get(), FD_READ) == 0);
  }
  const DWORD limit = static_cast<DWORD>(4 * expect_window.count());
  std::array<std::atomic<DWORD>, 2> results{};
  std::array<std::atomic<long long>, 2> returned_ms{};
  const auto start = clock::now();
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < 2; ++i) {
    results[i] = WSA_WAIT_IO_COMPLETION;  // "not returned yet": no wait here is alertable
    threads.emplace_back([&, i] {
      WSAEVENT e = events[i].get();
      results[i] = WSAWaitForMultipleEvents(1, &e, FALSE, limit, FALSE);
      returned_ms[i] = std::chrono::duration_cast<ms>(clock::now() - start).count();
    });
    std::this_thread::sleep_for(settle_window);  // the first is waiting before the second
  }
  REQUIRE(send(pairs[0].client.get(), "a", 1, 0) == 1);
  CHECK(eventually([&] { return results[0] != WSA_WAIT_IO_COMPLETION; }));
  std::this_thread::sleep_for(settle_window);
  const auto sent_second = std::chrono::duration_cast<ms>(clock::now() - start).count();
  REQUIRE(send(pairs[1].client.get(), "b", 1, 0) == 1);
  for (auto& t : threads) t.join();
  CHECK(results[0] == WSA_WAIT_EVENT_0);
  CHECK(results[1] == WSA_WAIT_EVENT_0);
  INFO("the second waiter returned " << returned_ms[1] - sent_second << " ms after its data");
  CHECK(returned_ms[1] - sent_second < expect_window.count());
}

// A thread may wait on an event before any socket is selected with it (a worker started
// before the first connection comes). The selection made afterwards must reach that wait:
// on the layer, the first selection gives the waiting thread the watching of the sockets.
TEST_CASE("A wait that began before any socket was selected gets the socket's event",
          "[wsa][threads][wait]") {
  const wsa_session session;
  tcp_pair pair = make_tcp_pair();
  const event_handle e;
  std::atomic<DWORD> result{WSA_WAIT_IO_COMPLETION};  // "not returned yet"
  std::atomic<long long> returned_ms{0};
  const auto start = clock::now();
  std::thread waiter([&] {
    WSAEVENT handle = e.get();
    result = WSAWaitForMultipleEvents(1, &handle, FALSE,
                                      static_cast<DWORD>(4 * expect_window.count()), FALSE);
    returned_ms = std::chrono::duration_cast<ms>(clock::now() - start).count();
  });
  std::this_thread::sleep_for(settle_window);  // the wait has begun by now
  REQUIRE(WSAEventSelect(pair.server.get(), e.get(), FD_READ) == 0);
  const auto sent = std::chrono::duration_cast<ms>(clock::now() - start).count();
  REQUIRE(send(pair.client.get(), "a", 1, 0) == 1);
  waiter.join();
  CHECK(result == WSA_WAIT_EVENT_0);
  INFO("the wait returned " << returned_ms - sent << " ms after the data was sent");
  CHECK(returned_ms - sent < expect_window.count());
}
