// SPDX-License-Identifier: MIT
// evsel: what evsel keeps about one user_event: its flag and the OS object that wakes a wait.
#pragma once

#include <atomic>

#include "os.hpp"
#include "owned_state.hpp"

namespace evsel::detail {

// The flag is the truth; the OS signal only wakes the poller's wait. set() raises the signal
// on the unset-to-set edge only, and a reset clears the signal before the flag, so that a set
// racing a reset is either before it (and reset) or after it (and signalled).
struct user_event_state : owned_state {
  std::atomic<bool> flag{false};
  os::wake_signal signal;
};

}  // namespace evsel::detail
