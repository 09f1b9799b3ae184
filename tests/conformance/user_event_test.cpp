// SPDX-License-Identifier: MIT
// evsel: user events (WSACreateEvent/WSASetEvent beside the sockets): recorded once while
// set, again only after reset, never after reset or remove took the record back.
#include <array>
#include <atomic>
#include <chrono>
#include <system_error>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "support/harness.hpp"

#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#else
#include <pthread.h>
#include <signal.h>
#endif

using namespace evsel_test;
using evsel::errc;
using evsel::event;

namespace {
using clock = std::chrono::steady_clock;

// Every record `poller` returns within `window`, counted record by record (event_log would
// merge them, and "recorded once" is about records, not bits).
std::vector<evsel::ready_record> collect(evsel::poller& poller, ms window) {
  std::vector<evsel::ready_record> seen;
  wait_through(poller, window, [&](const evsel::ready_record& r) { seen.push_back(r); });
  return seen;
}

std::size_t count_for(const std::vector<evsel::ready_record>& records, const void* context) {
  std::size_t n = 0;
  for (const auto& r : records) n += r.context == context ? 1 : 0;
  return n;
}

// A user event's record: event::user alone, the context, and no error in any slot.
bool is_user_record(const evsel::ready_record& r, const void* context) {
  if (r.occurred != event::user || r.context != context) return false;
  for (const std::error_code& e : r.errors) {
    if (e) return false;
  }
  return true;
}

// Everything that comes until the first record (at most expect_window) and within
// quiet_window after it: a record that comes twice shows up here.
std::vector<evsel::ready_record> next_records(evsel::poller& poller) {
  std::array<evsel::ready_record, 16> first;
  std::error_code ec;
  const std::size_t n = poller.wait(first.data(), first.size(), expect_window, ec);
  REQUIRE_FALSE(ec);
  std::vector<evsel::ready_record> seen(first.begin(), first.begin() + n);
  for (const auto& r : collect(poller, quiet_window)) seen.push_back(r);
  return seen;
}

// Whether the next records are exactly one: the user record of `context`.
bool only_user_record(evsel::poller& poller, const void* context) {
  const std::vector<evsel::ready_record> seen = next_records(poller);
  UNSCOPED_INFO(seen.size() << " records, the first "
                            << (seen.empty() ? event::none : seen[0].occurred));
  return seen.size() == 1 && is_user_record(seen[0], context);
}

// One wait of up to 10 s with room for one record; how long it took.
struct one_wait {
  std::size_t n = 0;
  evsel::ready_record record;
  std::error_code ec;
  clock::duration took{};
};
one_wait wait_once(evsel::poller& poller, ms timeout = ms(10000)) {
  one_wait w;
  const auto start = clock::now();
  w.n = poller.wait(&w.record, 1, timeout, w.ec);
  w.took = clock::now() - start;
  return w;
}

// Two set user events and a wait with room for one: it returns one record and the other
// event's stays collected inside the poller. Returns the event whose record is held.
evsel::user_event& hold_one_user_record(evsel::poller& poller,
                                        evsel::user_event& a,
                                        evsel::user_event& b) {
  REQUIRE_FALSE(a.set());
  REQUIRE_FALSE(b.set());
  std::this_thread::sleep_for(settle_window);  // both seen by the backend before the wait
  const one_wait w = wait_once(poller, expect_window);
  REQUIRE_FALSE(w.ec);
  REQUIRE(w.n == 1);
  REQUIRE((w.record.context == &a || w.record.context == &b));
  return w.record.context == &a ? b : a;
}

}  // namespace

TEST_CASE("A set user event is recorded once with its context and no errors",
          "[conformance][user_event]") {
  evsel::user_event e;
  REQUIRE(e.valid());
  CHECK_FALSE(e.is_set());
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
  CHECK(collect(poller, quiet_window).empty());  // unset: nothing
  REQUIRE_FALSE(e.set());
  CHECK(e.is_set());
  CHECK(only_user_record(poller, &e));
  // Still set, not reset: setting it again records nothing.
  REQUIRE_FALSE(e.set());
  CHECK(collect(poller, quiet_window).empty());
  CHECK(e.is_set());
}

TEST_CASE("After reset a new set records the user event again", "[conformance][user_event]") {
  evsel::user_event e;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    REQUIRE_FALSE(e.set());
    CHECK(only_user_record(poller, &e));
    REQUIRE_FALSE(e.reset());
    CHECK_FALSE(e.is_set());
    CHECK(collect(poller, quiet_window).empty());  // reset alone records nothing
  }
  // Set and reset before any wait looked: nothing is left to record.
  REQUIRE_FALSE(e.set());
  REQUIRE_FALSE(e.reset());
  CHECK(collect(poller, quiet_window).empty());
}

TEST_CASE("reset or remove takes back a user event record collected but not yet returned",
          "[conformance][user_event]") {
  evsel::user_event a;
  evsel::user_event b;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(a, &a));
  REQUIRE_FALSE(poller.add(b, &b));
  evsel::user_event& held = hold_one_user_record(poller, a, b);

  SECTION("without either call the held record is the next one") {
    CHECK(only_user_record(poller, &held));
  }
  SECTION("reset") {
    REQUIRE_FALSE(held.reset());
    CHECK(collect(poller, quiet_window).empty());
    REQUIRE_FALSE(held.set());  // re-enabled: recorded again
    CHECK(only_user_record(poller, &held));
  }
  SECTION("remove") {
    REQUIRE_FALSE(poller.remove(held));
    CHECK(poller.size() == 1);
    CHECK(collect(poller, quiet_window).empty());
    CHECK(held.is_set());  // remove leaves the event itself alone
  }
}

TEST_CASE("A storm of 4000 sets from four threads makes one record",
          "[conformance][user_event][threads]") {
  evsel::user_event e;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
  std::atomic<bool> go{false};
  std::atomic<int> failed_sets{0};
  std::vector<std::thread> setters;
  for (int t = 0; t < 4; ++t) {
    setters.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < 1000; ++i) failed_sets += e.set() ? 1 : 0;
    });
  }
  // One thread waits through the storm and a quiet window after it.
  std::vector<evsel::ready_record> seen;
  std::atomic<bool> wait_failed{false};
  std::thread waiter([&] {
    try {
      seen = collect(poller, ms(1500));
    } catch (const std::system_error&) {  // a failed wait: reported below, not terminate()
      wait_failed = true;
    }
  });
  go = true;
  for (std::thread& t : setters) t.join();
  waiter.join();
  REQUIRE_FALSE(wait_failed);
  CHECK(failed_sets == 0);
  INFO(seen.size() << " records");
  REQUIRE(seen.size() == 1);
  CHECK(is_user_record(seen[0], &e));
}

TEST_CASE("Two user events on one poller are recorded apart from each other and from sockets",
          "[conformance][user_event]") {
  evsel::user_event a;
  evsel::user_event b;
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(a, &a));
  REQUIRE_FALSE(poller.add(b, &b));
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  REQUIRE_FALSE(a.set());
  send_all(pair.client, "x");
  std::this_thread::sleep_for(settle_window);
  const std::vector<evsel::ready_record> seen = next_records(poller);
  CHECK(count_for(seen, &b) == 0);
  REQUIRE(count_for(seen, &a) == 1);
  REQUIRE(count_for(seen, &pair.server) == 1);
  for (const auto& r : seen) {
    // A socket's record never carries a user event's bit, nor the reverse.
    CHECK((r.context == &a ? is_user_record(r, &a) : r.occurred == event::read));
  }
  REQUIRE_FALSE(b.set());
  CHECK(only_user_record(poller, &b));
}

TEST_CASE("User events on two pollers: each poller sees only its own",
          "[conformance][user_event]") {
  evsel::user_event first_event;
  evsel::user_event second_event;
  evsel::poller first;
  evsel::poller second;
  REQUIRE_FALSE(first.add(first_event, &first_event));
  REQUIRE_FALSE(second.add(second_event, &second_event));
  REQUIRE_FALSE(first_event.set());
  CHECK(only_user_record(first, &first_event));
  CHECK(collect(second, quiet_window).empty());
  REQUIRE_FALSE(second_event.set());
  CHECK(only_user_record(second, &second_event));
  CHECK(collect(first, quiet_window).empty());
}

TEST_CASE("A user event set from another thread ends a blocked wait early",
          "[conformance][user_event]") {
  evsel::user_event e;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
  std::thread setter([&e] {
    std::this_thread::sleep_for(ms(100));
    (void)e.set();
  });
  const one_wait w = wait_once(poller);
  setter.join();
  CHECK_FALSE(w.ec);
  REQUIRE(w.n == 1);
  CHECK(is_user_record(w.record, &e));
  CHECK(w.took < std::chrono::seconds(2));
}

#if !defined(_WIN32)
namespace {
// What the signal handler sets: an atomic pointer, lock-free so that the handler may read it.
std::atomic<evsel::user_event*> signalled_event{nullptr};
static_assert(std::atomic<evsel::user_event*>::is_always_lock_free);

void set_from_signal(int) {
  if (evsel::user_event* e = signalled_event.load()) (void)e->set();
}

// Installs set_from_signal for SIGUSR1 and puts the old disposition back, also when a
// REQUIRE leaves the test early.
struct sigusr1_sets {
  struct sigaction previous {};
  explicit sigusr1_sets(evsel::user_event& e) {
    signalled_event = &e;
    struct sigaction action {};
    action.sa_handler = set_from_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: an interrupted wait sees EINTR and must go on
    REQUIRE(sigaction(SIGUSR1, &action, &previous) == 0);
  }
  ~sigusr1_sets() {
    sigaction(SIGUSR1, &previous, nullptr);
    signalled_event = nullptr;
  }
};
}  // namespace

// POSIX only: signal handlers are what "async-signal-safe" is about; Windows has none
// (its console control handler is the next test's counterpart).
TEST_CASE("A user event set from a POSIX signal handler ends a blocked wait",
          "[conformance][user_event]") {
  evsel::user_event e;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
  sigusr1_sets handler(e);
  const pthread_t waiting_thread = pthread_self();
  std::thread sender;
  SECTION("the handler runs on the waiting thread itself") {
    sender = std::thread([waiting_thread] {
      std::this_thread::sleep_for(ms(100));
      pthread_kill(waiting_thread, SIGUSR1);
    });
  }
  SECTION("the handler runs on another thread") {
    sender = std::thread([] {
      std::this_thread::sleep_for(ms(100));
      raise(SIGUSR1);  // to the calling thread
    });
  }
  const one_wait w = wait_once(poller);
  if (sender.joinable()) sender.join();
  CHECK_FALSE(w.ec);
  REQUIRE(w.n == 1);
  CHECK(is_user_record(w.record, &e));
  CHECK(w.took < std::chrono::seconds(2));
  CHECK(e.is_set());
}
#endif

#if defined(_WIN32)
namespace {
std::atomic<evsel::user_event*> console_event{nullptr};

BOOL WINAPI set_from_console_handler(DWORD type) {
  if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT) return FALSE;
  evsel::user_event* e = console_event.load();
  if (e == nullptr) return FALSE;
  (void)e->set();
  return TRUE;  // handled: the default handler would end the process
}
}  // namespace

// Windows only: the console control handler is where a Windows program learns of Ctrl+C.
// The handler is registered for real, but the event is not sent with GenerateConsoleCtrlEvent:
// it goes to every process attached to the console (CTest's own, on Windows) and does not
// reach a process without a console under Wine. Windows delivers it by starting a new thread
// in the process that runs the registered handlers; this test does just that.
TEST_CASE("A user event set from a console control handler ends a blocked wait",
          "[conformance][user_event]") {
  evsel::user_event e;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
  console_event = &e;
  REQUIRE(SetConsoleCtrlHandler(set_from_console_handler, TRUE) != 0);
  std::atomic<BOOL> handled{FALSE};
  std::thread control([&handled] {
    std::this_thread::sleep_for(ms(100));
    handled = set_from_console_handler(CTRL_BREAK_EVENT);
  });
  const one_wait w = wait_once(poller);
  control.join();
  SetConsoleCtrlHandler(set_from_console_handler, FALSE);
  console_event = nullptr;
  CHECK(handled.load() == TRUE);
  CHECK_FALSE(w.ec);
  REQUIRE(w.n == 1);
  CHECK(is_user_record(w.record, &e));
  CHECK(w.took < std::chrono::seconds(2));
}
#endif

TEST_CASE("A user event set before add is recorded at the first wait, after remove never",
          "[conformance][user_event]") {
  evsel::user_event e;
  REQUIRE_FALSE(e.set());
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
  const one_wait w = wait_once(poller, expect_window);
  REQUIRE(w.n == 1);
  CHECK(is_user_record(w.record, &e));
  CHECK(w.took < std::chrono::seconds(1));
  REQUIRE_FALSE(poller.remove(e));
  CHECK(poller.size() == 0);
  REQUIRE_FALSE(e.reset());
  REQUIRE_FALSE(e.set());  // set while not registered: no poller may report it
  CHECK(collect(poller, quiet_window).empty());
  CHECK(poller.remove(e) == errc::not_registered);
}

TEST_CASE("An empty user event refuses set, reset, add and remove with invalid_argument",
          "[conformance][user_event][errors]") {
  std::error_code ec;
  evsel::user_event made(ec);
  REQUIRE_FALSE(ec);
  REQUIRE(made.valid());
  evsel::user_event taker(std::move(made));
  CHECK(taker.valid());
  // The moved-from event is what is tested here.
  CHECK_FALSE(made.valid());  // NOLINT(bugprone-use-after-move)
  CHECK(made.set() == errc::invalid_argument);
  CHECK(made.reset() == errc::invalid_argument);
  CHECK_FALSE(made.is_set());
  evsel::poller poller;
  CHECK(poller.add(made, &made) == errc::invalid_argument);
  CHECK(poller.remove(made) == errc::invalid_argument);
  CHECK(poller.size() == 0);
}

TEST_CASE("A user event is registered with one poller at a time",
          "[conformance][user_event][errors]") {
  evsel::user_event e;
  evsel::poller first;
  evsel::poller second;
  REQUIRE_FALSE(first.add(e, &e));
  CHECK(first.add(e, &e) == errc::already_registered);
  CHECK(second.add(e, &e) == errc::already_registered);
  CHECK(second.remove(e) == errc::not_registered);
  CHECK(first.size() == 1);
  CHECK(second.size() == 0);
  // The failed calls changed nothing: the first poller reports it, the second does not.
  REQUIRE_FALSE(e.set());
  CHECK(only_user_record(first, &e));
  CHECK(collect(second, quiet_window).empty());
}

TEST_CASE("A moved user event keeps its registration", "[conformance][user_event]") {
  evsel::poller poller;
  evsel::user_event original;
  REQUIRE_FALSE(poller.add(original, &original));
  evsel::user_event moved(std::move(original));
  CHECK(poller.size() == 1);
  REQUIRE_FALSE(moved.set());
  CHECK(only_user_record(poller, &original));  // the context given to add
  CHECK(poller.add(moved, &moved) == errc::already_registered);
  REQUIRE_FALSE(poller.remove(moved));
  CHECK(poller.size() == 0);
}

TEST_CASE("Destroying a registered user event removes it and its record",
          "[conformance][user_event][lifecycle]") {
  evsel::poller poller;
  evsel::user_event other;
  REQUIRE_FALSE(poller.add(other, &other));
  int marker = 0;  // the context: not the event's address, which is gone below
  const void* gone = &marker;
  {
    evsel::user_event e;
    REQUIRE_FALSE(poller.add(e, &marker));
    CHECK(poller.size() == 2);
    REQUIRE_FALSE(e.set());  // a record to come, which the destructor must take back
  }
  CHECK(poller.size() == 1);
  CHECK(count_for(collect(poller, quiet_window), gone) == 0);
  REQUIRE_FALSE(other.set());  // the poller goes on with the other event
  CHECK(only_user_record(poller, &other));
}

TEST_CASE("poller size counts sockets, user events and timers", "[conformance][user_event]") {
  evsel::poller poller;
  tcp_pair pair = make_tcp_pair();
  evsel::user_event e;
  evsel::timer t;
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  REQUIRE_FALSE(poller.add(e, &e));
  REQUIRE_FALSE(poller.add(t, &t));
  CHECK(poller.size() == 3);
  REQUIRE_FALSE(poller.remove(e));
  CHECK(poller.size() == 2);
  REQUIRE_FALSE(poller.remove(pair.server));
  CHECK(poller.size() == 1);
  REQUIRE_FALSE(poller.remove(t));
  CHECK(poller.size() == 0);
}

// The poller's destructor is documented for sockets ("they stay open and usable"); the same
// is expected of user events and timers: registered nowhere afterwards, state kept.
TEST_CASE("A poller destroyed first leaves its user events and timers usable elsewhere",
          "[conformance][user_event][lifecycle]") {
  evsel::user_event e;
  evsel::timer t;
  {
    evsel::poller poller;
    REQUIRE_FALSE(poller.add(e, &e));
    REQUIRE_FALSE(poller.add(t, &t));
    REQUIRE_FALSE(e.set());
    REQUIRE_FALSE(t.arm_at(clock::now()));
  }
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
  REQUIRE_FALSE(poller.add(t, &t));
  const std::vector<evsel::ready_record> seen = next_records(poller);
  CHECK(count_for(seen, &e) == 1);
  CHECK(count_for(seen, &t) == 1);
  CHECK(t.take_expirations() == 1);
}
