// SPDX-License-Identifier: MIT
// evsel: what the engine's timer queue records: timers' expiries, sockets' deadlines and idle
// timeouts (docs/semantics.md, "Timers, deadlines and user events").
#include <algorithm>

#include <evsel/error.hpp>

#include "engine.hpp"
#include "misuse.hpp"

namespace evsel::detail {

using clock = std::chrono::steady_clock;

std::error_code engine::set_deadline(socket_state* s, clock::time_point when) noexcept {
  std::error_code ec;
  const std::lock_guard<std::mutex> hold(lock_);
  registration* r = lookup(s, ec);
  if (r == nullptr) return ec;
  take_back_timeout(*r, by_deadline);
  r->expiry.what = timed_entry::role::deadline;
  r->expiry.owner = r;
  schedule(r->expiry, when);
  return {};
}

std::error_code engine::clear_deadline(socket_state* s) noexcept {
  std::error_code ec;
  const std::lock_guard<std::mutex> hold(lock_);
  registration* r = lookup(s, ec);
  if (r == nullptr) return ec;
  timed_.cancel(r->expiry);
  take_back_timeout(*r, by_deadline);
  return {};
}

std::error_code engine::set_idle_timeout(socket_state* s, std::chrono::milliseconds idle) noexcept {
  std::error_code ec;
  const std::lock_guard<std::mutex> hold(lock_);
  registration* r = lookup(s, ec);
  if (r == nullptr) return ec;
  if (idle < std::chrono::milliseconds::zero()) return make_error_code(misuse::timeout_range);
  take_back_timeout(*r, by_idle);
  r->idle_period = idle;
  if (idle == std::chrono::milliseconds::zero()) {
    timed_.cancel(r->idle_check);
    return {};
  }
  r->last_moved = clock::now();
  r->idle_check.what = timed_entry::role::idle_check;
  r->idle_check.owner = r;
  schedule(r->idle_check, r->last_moved + idle);
  return {};
}

void engine::schedule(timed_entry& e, clock::time_point due) noexcept {
  timed_.schedule(e, due);
  // A wait blocked meanwhile computed its block from the old first entry.
  if (blocked_waiter_ && &timed_.first() == &e) backend_->nudge();
}

void engine::reschedule_timer(registration& r) noexcept {
  const timer_state& t = *r.timer;
  if (t.counted != 0) {
    // Expiries counted and not taken: recorded (once), and nothing to wait for until taken.
    timed_.cancel(r.expiry);
    core_.record_own(r, event::timeout);
  } else if (t.armed) {
    schedule(r.expiry, t.due);
  } else {
    timed_.cancel(r.expiry);
  }
}

void engine::note_data_moved(registration& r) noexcept {
  if (r.idle_period == std::chrono::milliseconds::zero() || r.moved) return;
  // No clock read here: every recv and send would pay for one. The next reading the wait
  // takes dates the move (date_moves), late by the time until then, never early.
  r.moved = true;
  r.moved_prev = nullptr;
  r.moved_next = moved_;
  if (moved_ != nullptr) moved_->moved_prev = &r;
  moved_ = &r;
}

void engine::date_moves(clock::time_point now) noexcept {
  while (registration* r = moved_) {
    moved_ = r->moved_next;
    if (moved_ != nullptr) moved_->moved_prev = nullptr;
    r->moved_next = nullptr;
    r->moved = false;
    if (r->idle_period == std::chrono::milliseconds::zero()) continue;  // turned off since
    r->last_moved = now;
    // A check that already fired starts the next period; one still queued finds the period
    // restarted when it comes due (expire_due) and moves itself.
    if (!r->idle_check.queued()) schedule(r->idle_check, now + r->idle_period);
  }
}

void engine::take_back_timeout(registration& r, timeout_cause cause) noexcept {
  r.timeout_causes &= static_cast<std::uint8_t>(~cause);
  if (r.timeout_causes == no_cause) poller_core::clear(*r.socket, event::timeout);
}

bool engine::may_be_due(run_status status, clock::time_point entered) const noexcept {
  // A block that ended by its timeout most likely reached the first due time; one that
  // ended for I/O before it is looked at by the next wait, whose reading comes first (at
  // most one wait late, never early). Moves must be dated before their checks are read.
  return status == run_status::timeout || moved_ != nullptr ||
         (!timed_.empty() && timed_.first().due <= entered);
}

void engine::expire_due() noexcept {
  const clock::time_point now = clock::now();
  date_moves(now);
  while (!timed_.empty() && timed_.first().due <= now) {
    timed_entry& e = timed_.first();
    timed_.pop();
    registration& r = *e.owner;
    switch (e.what) {
      case timed_entry::role::timer_expiry:
        r.timer->count_until(now);
        reschedule_timer(r);
        break;
      case timed_entry::role::deadline:
        r.timeout_causes |= by_deadline;
        core_.record_timeout(r);
        break;
      case timed_entry::role::idle_check: {
        const clock::time_point idle_end = r.last_moved + r.idle_period;
        if (idle_end > now) {
          timed_.schedule(e, idle_end);  // data moved since the check was planned
        } else {
          r.timeout_causes |= by_idle;
          core_.record_timeout(r);
        }
        break;
      }
    }
  }
}

std::chrono::milliseconds engine::until_first_due(std::chrono::milliseconds left,
                                                  clock::time_point now) const noexcept {
  const clock::time_point first = timed_.first().due;
  // Rounded up to what the backend can wait, so that a record never comes early and the
  // wait does not end just before the due time and spin meanwhile.
  const auto until = first <= now ? std::chrono::milliseconds::zero()
                                  : std::chrono::ceil<std::chrono::milliseconds>(first - now);
  return left < std::chrono::milliseconds::zero() ? until : std::min(left, until);
}

}  // namespace evsel::detail
