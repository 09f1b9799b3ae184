// SPDX-License-Identifier: MIT
// evsel: the native backend's user events: a thread-pool wait on each event's own handle.
#include "../native_errors.hpp"
#include "../user_event_state.hpp"
#include "win_registration.hpp"

namespace evsel::detail {

std::error_code backend::attach_user(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  // The watch lends its thread-pool wait; its own event object stays unused.
  if (const std::error_code ec = lend_watch(r)) return ec;
  ++attached_;
  rearm_user(r);
  return {};
}

void backend::rearm_user(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  // Arming a wait that is armed already replaces it; one that fired meanwhile has queued the
  // event, and the next run looks at it.
  if (core_.user_wait_needed(r)) arm_user_wait(r);
}

void backend::arm_user_wait(win_registration& r) noexcept {
  SetThreadpoolWait(r.watched->waiter, reinterpret_cast<HANDLE>(r.user->signal.waitable), nullptr);
}

}  // namespace evsel::detail
