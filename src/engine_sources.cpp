// SPDX-License-Identifier: MIT
// evsel: the engine's user events and timers, and the steps every add shares.
#include <evsel/error.hpp>

#include "engine.hpp"

namespace evsel::detail {

owned_state* registration::source() const noexcept {
  switch (kind) {
    case source_kind::socket:
      return socket;
    case source_kind::user_event:
      return user;
    case source_kind::timer:
      return timer;
  }
  return nullptr;
}

registration* engine::claim(owned_state& s, registration* fresh, std::error_code& ec) noexcept {
  if (fresh == nullptr) {
    ec = make_error_code(errc::no_buffer_space);
    return nullptr;
  }
  // Compared and set, so that two pollers cannot both take the object.
  engine* expected = nullptr;
  if (!s.owner.compare_exchange_strong(expected, this, std::memory_order_acq_rel)) {
    delete fresh;
    ec = make_error_code(errc::already_registered);
    return nullptr;
  }
  fresh->owner = this;
  core_.link(*fresh);
  s.reg = fresh;
  live_.fetch_add(1, std::memory_order_relaxed);
  return fresh;
}

void engine::unclaim(owned_state& s, registration* r) noexcept {
  core_.unlink(*r);
  s.reg = nullptr;
  live_.fetch_sub(1, std::memory_order_relaxed);
  delete r;
  s.owner.store(nullptr, std::memory_order_release);
}

std::error_code engine::add(user_event_state* e, void* context) noexcept {
  const std::lock_guard<std::mutex> hold(lock_);
  const std::lock_guard<std::mutex> no_event_call(e->unowned_lock);
  std::error_code ec;
  registration* r = claim(*e, backend_->make_registration(), ec);
  if (r == nullptr) return ec;
  r->kind = source_kind::user_event;
  r->user = e;
  r->context = context;
  // The backend waits on the event's signal, or records it at once if it is set.
  if ((ec = backend_->attach_user(*r))) {
    unclaim(*e, r);
    return ec;
  }
  notify_waiter();
  return {};
}

std::error_code engine::add(timer_state* t, void* context) noexcept {
  const std::lock_guard<std::mutex> hold(lock_);
  const std::lock_guard<std::mutex> no_timer_call(t->unowned_lock);
  if (t->owner.load(std::memory_order_acquire) != nullptr) {
    return make_error_code(errc::already_registered);
  }
  if (timed_.reserve(1)) return make_error_code(errc::no_buffer_space);
  std::error_code ec;
  registration* r = claim(*t, new (std::nothrow) registration, ec);
  if (r == nullptr) {
    timed_.release(1);
    return ec;
  }
  r->kind = source_kind::timer;
  r->timer = t;
  r->context = context;
  r->expiry.what = timed_entry::role::timer_expiry;
  r->expiry.owner = r;
  // Expiries that passed unregistered are counted and recorded at once.
  t->count_until(std::chrono::steady_clock::now());
  reschedule_timer(*r);
  notify_waiter();
  return {};
}

void engine::on_user_reset(registration& r) noexcept {
  // The record not yet returned is taken back, and user may be recorded again.
  r.own_recorded = without(r.own_recorded, event::user);
  r.own_disabled = without(r.own_disabled, event::user);
  backend_->rearm_user(r);
  notify_waiter();
}

void engine::on_timer_change(registration& r) noexcept {
  // arm, disarm and take_expirations all leave no expiry counted: a record not yet returned
  // would report expiries that are gone (or taken), so it is taken back.
  r.own_recorded = without(r.own_recorded, event::timeout);
  r.own_disabled = without(r.own_disabled, event::timeout);
  reschedule_timer(r);
  notify_waiter();
}

}  // namespace evsel::detail
