// SPDX-License-Identifier: MIT
// evsel: the native backend's user events: a thread-pool wait on each event's own handle.
#include "../native_errors.hpp"
#include "../user_event_state.hpp"
#include "win_registration.hpp"

namespace evsel::detail {

std::error_code backend::attach_user(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  if (const std::error_code ec = reserve_room(attached_ + 1)) return ec;
  std::error_code ec;
  // A pooled watch lends its thread-pool wait; its own event object stays unused.
  r.watched = take_watch(ec);
  if (r.watched == nullptr) return ec;
  {
    std::lock_guard<std::mutex> hold(signalled_lock_);
    r.watched->owner = &r;
  }
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

void backend::detach_user(win_registration& r) noexcept {
  // After free_watch no callback queues r again; the handle belongs to the user_event.
  free_watch(*r.watched);
  r.watched = nullptr;
  unqueue_signalled(r);
  --attached_;
}

}  // namespace evsel::detail
