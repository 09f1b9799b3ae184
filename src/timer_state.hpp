// SPDX-License-Identifier: MIT
// evsel: what evsel keeps about one timer: its schedule and the expiries not yet taken.
#pragma once

#include <chrono>
#include <cstdint>

#include "owned_state.hpp"

namespace evsel::detail {

// Guarded by the owner's lock, or by unowned_lock while the timer has no poller (call_lock).
// Expiries are counted when a wait finds them due or when take_expirations looks, whichever
// comes first: a timer whose expiry is recorded and not yet taken leaves the engine's queue,
// so a stalled program costs nothing per period.
struct timer_schedule {
  using clock = std::chrono::steady_clock;
  bool armed = false;
  clock::time_point due{};    // the next planned expiry, while armed
  clock::duration period{};   // zero: one-shot
  std::uint64_t counted = 0;  // expiries counted and not yet taken

  // Counts the expiries planned at or before `now` and plans the next one.
  void count_until(clock::time_point now) noexcept {
    if (!armed || due > now) return;
    if (period <= clock::duration::zero()) {
      ++counted;
      armed = false;
      return;
    }
    const auto passed = static_cast<std::uint64_t>((now - due) / period) + 1;
    counted += passed;
    due += period * static_cast<clock::duration::rep>(passed);
  }
};

struct timer_state : owned_state, timer_schedule {};

}  // namespace evsel::detail
