// SPDX-License-Identifier: MIT
// evsel examples: noticing Ctrl-C (SIGINT), SIGTERM and, on Windows, Ctrl-Break.
#pragma once

namespace evsel {
class user_event;
}  // namespace evsel

namespace evsel_examples {

// Installs the handlers. Afterwards stop_requested() turns true once one of the signals came.
void watch_stop_signals();
bool stop_requested() noexcept;

// An event the handlers set as well. Registered with a poller, a stop ends the wait that
// blocks, so a program can wait without a timeout instead of looking at stop_requested()
// every so often. It is never destroyed: a signal may come at any time, also while main
// returns. Made at the first call; set at once if a signal came before.
evsel::user_event& stop_event();

}  // namespace evsel_examples
