// SPDX-License-Identifier: MIT
// evsel: accept under descriptor exhaustion (docs/semantics.md, "Running out of
// descriptors"): a listener whose accept failed for lack of descriptors rests.
#include <algorithm>
#include <chrono>

#include <evsel/error.hpp>

#include "engine.hpp"
#include "intrusive_list.hpp"

namespace evsel::detail {
namespace {

// The errors that mean "no descriptor or memory for a new connection now": the queued
// connection stays, so reporting accept again at once would only fail again.
bool out_of_descriptors(const std::error_code& ec) noexcept {
  return ec == errc::too_many_files_open || ec == errc::no_buffer_space;
}

}  // namespace

void engine::on_accept(registration& r, const io_result& result) noexcept {
  // Before the backend's hook, which arms a wait for accept only if it can be recorded.
  if (!result.ec) {
    note_data_moved(r);  // an accepted connection restarts the listener's idle timeout
    r.rest_length = std::chrono::milliseconds::zero();
    end_rest(r);  // descriptors are back before the rest is over
  } else if (out_of_descriptors(result.ec)) {
    rest_accept(r);
  }
  backend_->after_accept(r, result);
  // A failed accept records nothing, but a wait blocked meanwhile must learn of the rest
  // (its end bounds the wait) and the backend of its looks: let it go round once.
  if (result.ec && blocked_waiter_) {
    backend_->nudge();
  } else {
    notify_waiter();
  }
}

void engine::rest_accept(registration& r) noexcept {
  // A level-triggered listener reports the connection that could not be taken again at
  // once, and the next accept fails the same way: a busy loop until descriptors come back
  // (libuv, nginx and libevent each had this). Resting accept keeps the connection queued,
  // gives the application one clear error per rest, and resumes by itself.
  // Doubling applies to failures in a row: one long after the last rest starts afresh.
  const auto now = std::chrono::steady_clock::now();
  const bool in_a_row = r.rest_length != std::chrono::milliseconds::zero() &&
                        now - r.rest_until <= longest_accept_rest;
  r.rest_length = in_a_row ? std::min(r.rest_length * 2, longest_accept_rest) : first_accept_rest;
  r.rest_until = now + r.rest_length;
  core_.clear(*r.socket, event::accept);
  if (has_any(r.resting, event::accept)) return;
  r.resting |= event::accept;
  push_front(resting_, r, &registration::resting_next);
}

void engine::end_rest(registration& r) noexcept {
  if (r.resting == event::none) return;
  unlink(resting_, r, &registration::resting_next);
  r.resting = event::none;
}

void engine::end_due_rests() noexcept {
  const auto now = std::chrono::steady_clock::now();
  registration* next = nullptr;
  for (registration* r = resting_; r != nullptr; r = next) {
    next = r->resting_next;
    if (r->rest_until > now) continue;
    end_rest(*r);
    // Accept is selectable again: the backend looks whether a connection waits (G1).
    (void)backend_->update(*r);
  }
}

std::chrono::milliseconds engine::until_first_rest_ends(
    std::chrono::milliseconds left) const noexcept {
  auto first_end = resting_->rest_until;
  for (const registration* r = resting_->resting_next; r != nullptr; r = r->resting_next) {
    first_end = std::min(first_end, r->rest_until);
  }
  const auto now = std::chrono::steady_clock::now();
  // Rounded up, so that the wait does not end just before the rest and spin meanwhile.
  const auto until = first_end <= now
                         ? std::chrono::milliseconds::zero()
                         : std::chrono::ceil<std::chrono::milliseconds>(first_end - now);
  return left < std::chrono::milliseconds::zero() ? until : std::min(left, until);
}

}  // namespace evsel::detail
