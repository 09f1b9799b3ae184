// SPDX-License-Identifier: MIT
// evsel examples: noticing Ctrl-C (SIGINT), SIGTERM and, on Windows, Ctrl-Break.
#include "stop_signal.hpp"

#include <csignal>

namespace evsel_examples {
namespace {

// A handler may only store to a lock-free atomic or a volatile sig_atomic_t; the servers
// wait with a bounded timeout and look at the flag between waits.
volatile std::sig_atomic_t stop_flag = 0;

extern "C" void on_stop_signal(int) {
  stop_flag = 1;
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
  return stop_flag != 0;
}

}  // namespace evsel_examples
