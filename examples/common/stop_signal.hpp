// SPDX-License-Identifier: MIT
// evsel examples: noticing Ctrl-C (SIGINT), SIGTERM and, on Windows, Ctrl-Break.
#pragma once

namespace evsel_examples {

// Installs the handlers. Afterwards stop_requested() turns true once one of the signals came.
void watch_stop_signals();
bool stop_requested() noexcept;

}  // namespace evsel_examples
