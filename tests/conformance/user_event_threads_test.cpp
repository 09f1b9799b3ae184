// SPDX-License-Identifier: MIT
// evsel: user events set from elsewhere: other threads, a POSIX signal handler, a console handler.
#include <atomic>
#include <chrono>
#include <system_error>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "support/harness.hpp"
#include "support/records.hpp"

#if defined(_WIN32)
#include <windows.h>  // after every other header: its min and max macros reach none of them
#else
#include <pthread.h>
#include <signal.h>
#endif

using namespace evsel_test;
using evsel::event;

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
  check_ended_early(w, &e, event::user);
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
#endif

// Where a program learns of Ctrl+C: a signal handler on POSIX, where set() must be
// async-signal-safe, and a console control handler on Windows. One case with one name on
// both, as every case has.
//
// On Windows the handler is registered for real, but the event is not sent with
// GenerateConsoleCtrlEvent: it goes to every process attached to the console (CTest's own,
// on Windows) and does not reach a process without a console under Wine. Windows delivers it
// by starting a new thread in the process that runs the registered handlers; this test does
// just that.
TEST_CASE("A user event set from a signal or console control handler ends a blocked wait",
          "[conformance][user_event]") {
  evsel::user_event e;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(e, &e));
#if defined(_WIN32)
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
  check_ended_early(w, &e, event::user);
#else
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
  check_ended_early(w, &e, event::user);
  CHECK(e.is_set());
#endif
}
