// SPDX-License-Identifier: MIT
// evsel: add, modify, remove and wake from other threads while one thread waits.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::event;

namespace {

// Reads until would-block; the socket may be removed by another thread meanwhile.
void drain_quietly(evsel::socket& s) {
  char buffer[4096];
  std::error_code ec;
  while (s.recv(buffer, sizeof buffer, ec) > 0 && !ec) {
  }
}

// Sends a byte to one of `clients` every millisecond until `stop`.
std::thread start_feeder(std::vector<tcp_pair>& pairs, std::atomic<bool>& stop) {
  return std::thread([&pairs, &stop] {
    std::size_t next = 0;
    while (!stop.load()) {
      std::error_code ec;
      pairs[next++ % pairs.size()].client.send("f", 1, ec);
      std::this_thread::sleep_for(1ms);
    }
  });
}

// One wait of up to 5 s in a thread of its own: how long it took and which events came.
struct blocked_wait {
  std::atomic<long long> waited_ms{-1};
  std::atomic<unsigned> got{0};
  std::thread thread;

  explicit blocked_wait(evsel::poller& poller)
      : thread([this, &poller] {
          std::array<evsel::ready_record, 4> ready;
          const auto start = std::chrono::steady_clock::now();
          std::error_code ec;
          const std::size_t n = poller.wait(ready.data(), ready.size(), 5000ms, ec);
          waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
          unsigned bits = 0;
          for (std::size_t i = 0; i < n; ++i) bits |= static_cast<unsigned>(ready[i].occurred);
          got = bits;
        }) {}
  void join() { thread.join(); }
};

}  // namespace

TEST_CASE("add, modify, remove and wake from other threads while one waits stay consistent",
          "[conformance][threads]") {
  constexpr std::size_t count = 24;
  std::vector<tcp_pair> pairs = make_tcp_pairs(count);
  evsel::poller poller;
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> records{0};
  std::atomic<std::size_t> bad_contexts{0};
  std::atomic<std::size_t> wait_errors{0};

  std::thread waiter([&] {
    std::array<evsel::ready_record, 16> ready;
    while (!stop.load()) {
      std::error_code ec;
      const std::size_t n = poller.wait(ready.data(), ready.size(), 20ms, ec);
      if (ec) ++wait_errors;
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t index = context_index(ready[i].context);
        if (index >= count) {
          ++bad_contexts;
          continue;
        }
        ++records;
        if (ready[i].has(event::read)) drain_quietly(pairs[index].server);
      }
    }
  });
  std::thread feeder = start_feeder(pairs, stop);

  // Every control thread works on every socket: the calls race with each other too.
  std::atomic<std::size_t> unexpected_errors{0};
  std::mutex first_error_lock;
  std::string first_error;
  std::vector<std::thread> controls;
  for (unsigned seed = 1; seed <= 3; ++seed) {
    controls.emplace_back([&, seed] {
      std::mt19937 random(seed);
      const auto until = std::chrono::steady_clock::now() + 1500ms;
      while (std::chrono::steady_clock::now() < until) {
        const std::size_t index = random() % count;
        evsel::socket& s = pairs[index].server;
        const event mask = (random() % 2 ? event::read : event::none) |
                           (random() % 2 ? event::write : event::none) | event::close;
        std::error_code ec;
        switch (random() % 4) {
          case 0:
            ec = poller.add(s, mask, index_context(index));
            break;
          case 1:
            ec = poller.modify(s, mask);
            break;
          case 2:
            ec = poller.remove(s);
            break;
          default:
            poller.wake();
            break;
        }
        if (ec && ec != evsel::errc::already_registered && ec != evsel::errc::not_registered) {
          if (unexpected_errors++ == 0) {
            const std::lock_guard<std::mutex> hold(first_error_lock);
            first_error = ec.message();
          }
        }
      }
    });
  }
  for (auto& control : controls) control.join();
  stop = true;
  feeder.join();
  waiter.join();

  INFO("first unexpected error: " << first_error);
  CHECK(unexpected_errors == 0);
  CHECK(bad_contexts == 0);
  CHECK(wait_errors == 0);
  CHECK(records > 0);
  // The poller's count matches what remove finds registered, and then it is empty.
  const std::size_t registered = poller.size();
  std::size_t removed = 0;
  for (auto& pair : pairs) removed += poller.remove(pair.server) ? 0 : 1;
  CHECK(removed == registered);
  CHECK(poller.size() == 0);
  std::array<evsel::ready_record, 4> ready;
  std::error_code ec;
  CHECK(poller.wait(ready.data(), ready.size(), quiet_window, ec) == 0);
  // No socket is left stuck: registered again with fresh data, every one is reported.
  event_log log(poller);
  for (std::size_t i = 0; i < count; ++i) {
    drain_quietly(pairs[i].server);
    REQUIRE_FALSE(poller.add(pairs[i].server, event::read, index_context(i)));
    send_all(pairs[i].client, "x");
  }
  for (std::size_t i = 0; i < count; ++i) {
    INFO("socket " << i);
    CHECK(log.next(index_context(i)).has(event::read));
  }
}

TEST_CASE("A wait that starts after remove returned never reports the removed socket",
          "[conformance][threads]") {
  std::vector<tcp_pair> pairs = make_tcp_pairs(1);
  evsel::socket& watched = pairs[0].server;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(watched, event::read, index_context(0)));
  std::atomic<bool> stop{false};
  std::atomic<bool> removed{false};
  std::atomic<std::size_t> before{0};     // reports from waits that started before remove
  std::atomic<std::size_t> straddled{0};  // from the wait in progress while remove ran
  std::atomic<std::size_t> after{0};      // from waits that started after remove returned

  std::thread waiter([&] {
    std::array<evsel::ready_record, 4> ready;
    while (!stop.load()) {
      const bool removed_at_start = removed.load();
      std::error_code ec;
      const std::size_t n = poller.wait(ready.data(), ready.size(), 20ms, ec);
      const bool removed_at_end = removed.load();
      for (std::size_t i = 0; i < n; ++i) {
        if (removed_at_start) {
          ++after;
        } else if (removed_at_end) {
          ++straddled;
        } else {
          ++before;
        }
        drain_quietly(watched);
      }
    }
  });
  std::thread feeder = start_feeder(pairs, stop);
  std::this_thread::sleep_for(300ms);
  REQUIRE_FALSE(poller.remove(watched));
  removed = true;
  std::this_thread::sleep_for(300ms);
  stop = true;
  feeder.join();
  waiter.join();
  CHECK(before > 0);
  CHECK(straddled <= 1);  // documented: a wait in progress may report it at most once
  CHECK(after == 0);
}

TEST_CASE("Pollers in different threads wait at the same time, each on its own sockets",
          "[conformance][threads]") {
  constexpr std::size_t per_poller = 8;
  std::vector<tcp_pair> pairs = make_tcp_pairs(2 * per_poller);
  evsel::poller pollers[2];
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    REQUIRE_FALSE(pollers[i / per_poller].add(pairs[i].server, event::read, index_context(i)));
  }
  std::atomic<std::size_t> strangers{0};
  std::atomic<std::size_t> seen[2] = {{0}, {0}};
  std::vector<std::thread> waiters;
  for (std::size_t p = 0; p < 2; ++p) {
    waiters.emplace_back([&, p] {
      std::array<evsel::ready_record, 4> ready;
      const auto until = std::chrono::steady_clock::now() + expect_window;
      while (seen[p].load() < per_poller && std::chrono::steady_clock::now() < until) {
        std::error_code ec;
        const std::size_t n = pollers[p].wait(ready.data(), ready.size(), 50ms, ec);
        for (std::size_t i = 0; i < n; ++i) {
          if (context_index(ready[i].context) / per_poller != p) ++strangers;
          ++seen[p];
        }
      }
    });
  }
  for (auto& pair : pairs) send_all(pair.client, "x");
  for (auto& waiter : waiters) waiter.join();
  CHECK(strangers == 0);
  CHECK(seen[0] == per_poller);
  CHECK(seen[1] == per_poller);
}

// Windows signals the socket's event when a re-enabling call or a wider selection records
// something, which ends a wait in another thread; so must every backend.
TEST_CASE("A record made by another thread's call ends a wait that blocks meanwhile",
          "[conformance][threads]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(pair.server, event::write, &pair.server));
  {
    event_log log(poller);
    REQUIRE(log.next(&pair.server).occurred == event::write);
  }
  send_all(pair.client, "x");
  std::this_thread::sleep_for(100ms);  // the byte is there before the wait starts
  blocked_wait waiter(poller);
  std::this_thread::sleep_for(200ms);  // the waiter is blocked by now
  REQUIRE_FALSE(poller.modify(pair.server, event::write | event::read, &pair.server));
  waiter.join();
  INFO("the wait returned after " << waiter.waited_ms.load() << " ms");
  CHECK((waiter.got.load() & static_cast<unsigned>(event::read)) != 0);
  CHECK(waiter.waited_ms.load() < 2500);
}

// A recv on another thread re-enables read while a wait blocks: data that arrives after it is
// reported to that wait, as Windows re-enables FD_READ in the kernel and signals the event.
// A backend that starts its read wait lazily must not leave it unstarted behind a blocked
// wait.
TEST_CASE("Data after a recv made while another thread waits ends that wait",
          "[conformance][threads]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  send_all(pair.client, "a");
  {
    event_log log(poller);
    REQUIRE(log.next(&pair.server).occurred == event::read);
  }
  blocked_wait waiter(poller);
  std::this_thread::sleep_for(200ms);        // the waiter is blocked by now
  CHECK(recv_exact(pair.server, 1) == "a");  // re-enables read; the queue is empty again
  std::this_thread::sleep_for(100ms);
  send_all(pair.client, "b");
  waiter.join();
  INFO("the wait returned after " << waiter.waited_ms.load() << " ms");
  CHECK((waiter.got.load() & static_cast<unsigned>(event::read)) != 0);
  CHECK(waiter.waited_ms.load() < 2500);
}

// The end of the stream came while data was still queued, so nothing new will arrive: the
// recv on another thread that takes the last bytes is the only thing that can make the
// blocked wait look again, and the close is due from that moment (rule 5).
TEST_CASE(
    "A recv made while another thread waits that takes the data before a close ends that wait with "
    "close",
    "[conformance][threads]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(pair.server, event::read | event::close, &pair.server));
  send_all(pair.client, "last words");
  REQUIRE_FALSE(pair.client.close());
  {
    event_log log(poller);
    REQUIRE(log.next(&pair.server).occurred == event::read);  // close is held: data unread
  }
  std::this_thread::sleep_for(100ms);  // the end of the stream has arrived by now
  blocked_wait waiter(poller);
  std::this_thread::sleep_for(200ms);  // the waiter is blocked by now
  char buffer[64];
  std::error_code ec;
  CHECK(pair.server.recv(buffer, sizeof buffer, ec) == 10);  // less than asked: all of it
  CHECK_FALSE(ec);
  waiter.join();
  INFO("the wait returned after " << waiter.waited_ms.load() << " ms");
  CHECK((waiter.got.load() & static_cast<unsigned>(event::close)) != 0);
  CHECK(waiter.waited_ms.load() < 2500);
}

// Waits on one poller take turns; the time spent waiting for the turn counts against the
// timeout, so a wait never lasts much longer than asked once its turn comes.
TEST_CASE("A wait that waited for its turn still ends by its own deadline",
          "[conformance][threads]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));  // stays quiet
  std::thread first([&] {
    std::array<evsel::ready_record, 4> ready;
    std::error_code ec;
    (void)poller.wait(ready.data(), ready.size(), 1500ms, ec);
  });
  std::this_thread::sleep_for(100ms);  // the first wait has its turn by now
  std::array<evsel::ready_record, 4> ready;
  std::error_code ec;
  const auto start = std::chrono::steady_clock::now();
  CHECK(poller.wait(ready.data(), ready.size(), 300ms, ec) == 0);
  const auto waited = std::chrono::steady_clock::now() - start;
  first.join();
  // Its turn comes after about 1,400 ms, past its deadline: it returns then, it does not
  // wait 300 ms more.
  CHECK(waited < 1650ms);
  CHECK_FALSE(ec);
}

// The timeout bounds the whole call, the wait for the turn included: behind another thread's
// infinite wait, a zero or 100 ms wait returns 0 by its own deadline.
TEST_CASE("A zero or 100 ms wait behind another thread's infinite wait ends by its deadline",
          "[conformance][threads][wake]") {
  evsel::poller poller;
  for (const ms timeout : {ms(0), ms(100)}) {
    INFO("timeout " << timeout.count() << " ms");
    std::atomic<bool> first_returned{false};
    std::thread first([&] {
      std::array<evsel::ready_record, 4> ready;
      std::error_code ec;
      (void)poller.wait(ready.data(), ready.size(), evsel::poller::infinite, ec);
      first_returned = true;
    });
    // Keeps the test bounded should the second wait block behind the first: a wake after 3 s.
    std::atomic<bool> done{false};
    std::thread backstop([&] {
      const auto until = std::chrono::steady_clock::now() + 3s;
      while (!done && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
      if (!done) poller.wake();
    });
    std::this_thread::sleep_for(200ms);  // the first wait has its turn by now
    std::array<evsel::ready_record, 4> ready;
    std::error_code ec;
    const auto start = std::chrono::steady_clock::now();
    CHECK(poller.wait(ready.data(), ready.size(), timeout, ec) == 0);
    const auto waited = std::chrono::steady_clock::now() - start;
    CHECK_FALSE(ec);
    CHECK_FALSE(first_returned.load());  // it did not get the turn by the first one ending
    done = true;
    backstop.join();
    // Ends the first wait; should it have ended already, the next wait uses up this wake.
    const auto end_first = std::chrono::steady_clock::now() + expect_window;
    while (!first_returned && std::chrono::steady_clock::now() < end_first) {
      poller.wake();
      std::this_thread::sleep_for(20ms);
    }
    first.join();
    CHECK(waited < 1000ms);
    CHECK(waited >= timeout - 10ms);
    (void)poller.wait(ready.data(), ready.size(), 0ms, ec);  // takes a leftover wake
  }
}
