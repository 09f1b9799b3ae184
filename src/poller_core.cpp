// SPDX-License-Identifier: MIT
// evsel: backend-neutral bookkeeping of a poller: recording, re-enabling, the ready list.
#include "poller_core.hpp"

#include "assert.hpp"
#include "os.hpp"
#include "user_event_state.hpp"

namespace evsel::detail {

void poller_core::record(registration& r, event bits) noexcept {
  socket_state& s = *r.socket;
  const event fresh = bits & r.recordable();
  if (fresh == event::none) return;
  for (std::size_t i = 0; i < event_bit_count; ++i) {
    if (has_any(fresh, static_cast<event>(1U << i))) s.errors[i].clear();
  }
  s.recorded |= fresh;
  s.disabled |= fresh;
  enqueue(r);
}

void poller_core::record(registration& r, event bit, const std::error_code& error) noexcept {
  const bool fresh = has_any(bit & r.recordable(), bit);
  record(r, bit);
  if (fresh) r.socket->errors[bit_index(bit)] = error;
}

void poller_core::record_own(registration& r, event bit) noexcept {
  EVSEL_ASSERT(r.kind != source_kind::socket, "record_own: a socket records through record()");
  if (has_any(r.own_disabled, bit)) return;
  r.own_recorded |= bit;
  r.own_disabled |= bit;
  enqueue(r);
}

void poller_core::record_timeout(registration& r) noexcept {
  r.socket->recorded |= event::timeout;
  enqueue(r);
}

bool poller_core::user_wait_needed(registration& r) noexcept {
  user_event_state& e = *r.user;
  if (has_any(r.own_disabled, event::user)) return false;
  // Cleared first: a set() after the clear either finds the flag seen below or raises the
  // signal again for the next wait.
  os::clear_wake_signal(e.signal);
  if (!e.flag.load(std::memory_order_acquire)) return true;
  record_own(r, event::user);
  return false;
}

void poller_core::record_failed_connect(registration& r) noexcept {
  const socket_state& s = *r.socket;
  if (s.stage == connection_stage::failed) record(r, event::connect, s.connect_error);
}

void poller_core::record_close_if_due(registration& r, input_left left) noexcept {
  if (!close_awaits(r)) return;
  socket_state& s = *r.socket;
  if (left == input_left::some) {
    record(r, event::read);
    return;
  }
  note_connection_lost(s, s.sticky_error);  // all read: a reset taken earlier ends it now
  record(r, event::close, s.close_error);
}

void poller_core::requeue(registration& r) noexcept {
  if (r.deliverable() != event::none) enqueue(r);
}

void poller_core::enqueue(registration& r) noexcept {
  if (r.queued) return;
  r.queued = true;
  r.ready_next = nullptr;
  r.ready_prev = ready_tail_;
  if (ready_tail_ != nullptr) {
    ready_tail_->ready_next = &r;
  } else {
    ready_head_ = &r;
  }
  ready_tail_ = &r;
}

void poller_core::unqueue(registration& r) noexcept {
  if (!r.queued) return;
  (r.ready_prev != nullptr ? r.ready_prev->ready_next : ready_head_) = r.ready_next;
  (r.ready_next != nullptr ? r.ready_next->ready_prev : ready_tail_) = r.ready_prev;
  r.ready_prev = r.ready_next = nullptr;
  r.queued = false;
}

std::size_t poller_core::collect(ready_record* out, std::size_t capacity) noexcept {
  std::size_t count = 0;
  while (count < capacity && ready_head_ != nullptr) {
    registration& r = *ready_head_;
    unqueue(r);
    // A consuming call or a narrowed mask may have emptied it since it was queued: such a
    // socket is skipped, never returned as an empty record (G10).
    const event bits = r.deliverable();
    if (bits == event::none) continue;
    ready_record& rec = out[count++];
    rec.context = r.context;
    rec.occurred = bits;
    if (r.kind != source_kind::socket) {
      rec.errors = {};
      r.own_recorded = event::none;
      continue;
    }
    socket_state& s = *r.socket;
    for (std::size_t i = 0; i < event_bit_count; ++i) {
      if (has_any(bits, static_cast<event>(1U << i))) {
        rec.errors[i] = s.errors[i];
        s.errors[i].clear();
      } else {
        rec.errors[i].clear();
      }
    }
    s.recorded = without(s.recorded, bits);
    if (has_any(bits, event::timeout)) r.timeout_causes = no_cause;
  }
  return count;
}

void poller_core::link(registration& r) noexcept {
  r.all_prev = nullptr;
  r.all_next = all_head_;
  if (all_head_ != nullptr) all_head_->all_prev = &r;
  all_head_ = &r;
}

void poller_core::unlink(registration& r) noexcept {
  unqueue(r);
  (r.all_prev != nullptr ? r.all_prev->all_next : all_head_) = r.all_next;
  if (r.all_next != nullptr) r.all_next->all_prev = r.all_prev;
  r.all_prev = r.all_next = nullptr;
}

}  // namespace evsel::detail
