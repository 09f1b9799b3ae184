// SPDX-License-Identifier: MIT
// evsel: evsel::user_event, the application's own event in a poller's wait.
#include <new>
#include <utility>

#include <evsel/user_event.hpp>

#include "engine.hpp"
#include "misuse.hpp"
#include "os.hpp"
#include "user_event_state.hpp"

namespace evsel {

using detail::user_event_state;

user_event::user_event() {
  std::error_code ec;
  *this = user_event(ec);
  if (ec) throw std::system_error(ec, "evsel: creating a user_event");
}

user_event::user_event(std::error_code& ec) noexcept {
  auto* s = new (std::nothrow) user_event_state;
  if (s == nullptr) {
    ec = make_error_code(errc::no_buffer_space);
    return;
  }
  s->signal = detail::os::make_wake_signal(ec);
  if (ec) {
    delete s;
    return;
  }
  state_ = s;
}

user_event::~user_event() {
  destroy();
}

user_event::user_event(user_event&& other) noexcept
    : state_(std::exchange(other.state_, nullptr)) {}

user_event& user_event::operator=(user_event&& other) noexcept {
  if (this != &other) {
    destroy();
    state_ = std::exchange(other.state_, nullptr);
  }
  return *this;
}

void user_event::destroy() noexcept {
  user_event_state* s = std::exchange(state_, nullptr);
  if (s == nullptr) return;
  {
    const detail::call_lock guard(*s);  // let go of before s is freed
    if (s->reg != nullptr) s->reg->owner->detach(*s->reg);
  }
  detail::os::close_wake_signal(s->signal);
  delete s;
}

std::error_code user_event::set() noexcept {
  // No lock and no allocation: callable from a signal handler. Only the unset-to-set edge
  // raises the signal, so a storm of sets costs one write.
  if (state_ == nullptr) return make_error_code(detail::misuse::empty_object);
  if (!state_->flag.exchange(true, std::memory_order_acq_rel)) {
    detail::os::raise_wake_signal(state_->signal);
  }
  return {};
}

std::error_code user_event::reset() noexcept {
  if (state_ == nullptr) return make_error_code(detail::misuse::empty_object);
  const detail::call_lock guard(*state_);
  // The signal before the flag: a set() in between is then either undone with it or raises
  // the signal afresh (user_event_state).
  detail::os::clear_wake_signal(state_->signal);
  state_->flag.store(false, std::memory_order_release);
  if (state_->reg != nullptr) state_->reg->owner->on_user_reset(*state_->reg);
  return {};
}

bool user_event::is_set() const noexcept {
  return state_ != nullptr && state_->flag.load(std::memory_order_acquire);
}

}  // namespace evsel
