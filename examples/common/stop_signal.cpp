// SPDX-License-Identifier: MIT
// evsel examples: noticing Ctrl-C (SIGINT), SIGTERM and, on Windows, Ctrl-Break.
#include "stop_signal.hpp"

#include <atomic>
#include <csignal>

#include <evsel/user_event.hpp>

namespace evsel_examples {
namespace {

// A handler may only touch lock-free atomics. Both are sequentially consistent: Windows runs
// the handler on a thread of its own, and stop_event() must see the flag or the handler the
// event, whichever comes second.
std::atomic<bool> stop_flag{false};
std::atomic<evsel::user_event*> published_event{nullptr};
static_assert(std::atomic<bool>::is_always_lock_free, "a signal handler needs a lock-free flag");
static_assert(std::atomic<evsel::user_event*>::is_always_lock_free,
              "a signal handler needs a lock-free pointer");

extern "C" void on_stop_signal(int) {
  stop_flag.store(true);
  // user_event::set is async-signal-safe (one atomic exchange and one write).
  if (evsel::user_event* event = published_event.load()) (void)event->set();
}

}  // namespace

void watch_stop_signals() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
#if defined(SIGBREAK)
  std::signal(SIGBREAK, on_stop_signal);  // Ctrl-Break on Windows consoles
#endif
}

bool stop_requested() noexcept {
  return stop_flag.load();
}

evsel::user_event& stop_event() {
  static evsel::user_event* const event = [] {
    auto* made = new evsel::user_event;
    published_event.store(made);
    if (stop_flag.load()) (void)made->set();  // the handler ran before there was an event
    return made;
  }();
  return *event;
}

}  // namespace evsel_examples
