// SPDX-License-Identifier: MIT
// evsel: the native backend's looks at listeners that Wine may have stopped reporting (W10).
#include <algorithm>
#include <chrono>

#include "../intrusive_list.hpp"
#include "../os.hpp"
#include "win_registration.hpp"

namespace evsel::detail {

void backend::start_looking_at(win_registration& r) noexcept {
  if (r.looked_at) return;
  r.looked_at = true;
  push_front(looked_at_, r, &win_registration::next_looked_at);
  look_interval_ = min_look_interval;
  next_look_ = std::chrono::steady_clock::now();
}

void backend::stop_looking_at(win_registration& r) noexcept {
  if (!r.looked_at) return;
  unlink(looked_at_, r, &win_registration::next_looked_at);
  r.looked_at = false;
}

DWORD backend::until_next_look() const noexcept {
  const auto now = std::chrono::steady_clock::now();
  if (next_look_ <= now) return 0;
  return static_cast<DWORD>(std::chrono::ceil<std::chrono::milliseconds>(next_look_ - now).count());
}

bool backend::lookable_listeners() const noexcept {
  for (const win_registration* r = looked_at_; r != nullptr; r = r->next_looked_at) {
    if (has_any(r->recordable(), event::accept)) return true;
  }
  return false;
}

bool backend::look_at_stuck_listeners() noexcept {
  bool found = false;
  for (win_registration* r = looked_at_; r != nullptr; r = r->next_looked_at) {
    // Only where accept can be recorded (see record_accept_if_queued): a delivered accept
    // not taken yet, or a resting one, must not keep the looks at their fastest.
    if (record_accept_if_queued(*r)) found = true;
  }
  // Quiet listeners are looked at less and less often, up to max_look_interval: an idle
  // listener stays on the list until an accept succeeds, and costs one look a second.
  look_interval_ = found ? min_look_interval : std::min(look_interval_ * 2, max_look_interval);
  next_look_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(look_interval_);
  return found;
}

}  // namespace evsel::detail
