// SPDX-License-Identifier: MIT
// evsel: evsel::timer, a one-shot or periodic timer in a poller's wait.
#include <utility>

#include <evsel/timer.hpp>

#include "engine.hpp"
#include "misuse.hpp"
#include "timer_state.hpp"

namespace evsel {

using detail::timer_state;

namespace {

// The engine learns of every change while the timer is registered: it takes back a record
// not yet returned and queues the new expiry.
void tell_owner(timer_state& t) noexcept {
  if (t.reg != nullptr) t.reg->owner->on_timer_change(*t.reg);
}

}  // namespace

timer::timer() : state_(new timer_state) {}

timer::~timer() {
  destroy();
}

timer::timer(timer&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}

timer& timer::operator=(timer&& other) noexcept {
  if (this != &other) {
    destroy();
    state_ = std::exchange(other.state_, nullptr);
  }
  return *this;
}

void timer::destroy() noexcept {
  timer_state* t = std::exchange(state_, nullptr);
  if (t == nullptr) return;
  {
    const detail::call_lock guard(*t);  // let go of before t is freed
    if (t->reg != nullptr) t->reg->owner->detach(*t->reg);
  }
  delete t;
}

std::error_code timer::arm(clock::duration after, clock::duration period) noexcept {
  if (state_ == nullptr) return make_error_code(detail::misuse::empty_object);
  // Read before the lock: "after" counts from the call, not from when the lock came.
  const clock::time_point now = clock::now();
  return arm_at(after <= clock::duration::zero() ? now : now + after, period);
}

std::error_code timer::arm_at(clock::time_point when, clock::duration period) noexcept {
  if (state_ == nullptr) return make_error_code(detail::misuse::empty_object);
  if (period < clock::duration::zero()) return make_error_code(detail::misuse::timer_period);
  const detail::call_lock guard(*state_);
  state_->armed = true;
  state_->due = when;
  state_->period = period;
  state_->counted = 0;
  tell_owner(*state_);
  return {};
}

std::error_code timer::disarm() noexcept {
  if (state_ == nullptr) return make_error_code(detail::misuse::empty_object);
  const detail::call_lock guard(*state_);
  state_->armed = false;
  state_->counted = 0;
  tell_owner(*state_);
  return {};
}

std::uint64_t timer::take_expirations() noexcept {
  if (state_ == nullptr) return 0;
  const detail::call_lock guard(*state_);
  state_->count_until(clock::now());
  const std::uint64_t taken = std::exchange(state_->counted, 0);
  tell_owner(*state_);
  return taken;
}

bool timer::armed() const noexcept {
  if (state_ == nullptr) return false;
  const detail::call_lock guard(*state_);
  // A one-shot timer whose time has come is over, counted or not.
  return state_->armed && (state_->period != clock::duration::zero() || state_->due > clock::now());
}

timer::clock::time_point timer::next_expiry() const noexcept {
  if (state_ == nullptr) return {};
  const detail::call_lock guard(*state_);
  detail::timer_schedule ahead = *state_;  // counted here without touching the timer
  ahead.count_until(clock::now());
  return ahead.due;
}

}  // namespace evsel
