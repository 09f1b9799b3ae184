// SPDX-License-Identifier: MIT
// evsel: backend-neutral bookkeeping of a poller: recording, re-enabling, the ready list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <system_error>

#include <evsel/events.hpp>
#include <evsel/poller.hpp>

#include "registration.hpp"

namespace evsel::detail {

// Both backends report what the OS tells them through record(); the rules that make the
// model identical everywhere (mask filter, one delivery until re-enabled, FIFO rotation,
// no empty records) live here once.
// What a backend knows of a connection's unread input when it asks whether close is due.
enum class input_left : std::uint8_t { none, some };

class poller_core {
 public:
  poller_core() = default;
  poller_core(const poller_core&) = delete;
  poller_core& operator=(const poller_core&) = delete;

  // Records `bits` whose condition holds now. Bits outside the mask or still disabled are
  // ignored (rule 1 of the state model); the others join R and D and queue the socket.
  void record(registration& r, event bits) noexcept;
  // As above for one bit with its error code.
  void record(registration& r, event bit, const std::error_code& error) noexcept;
  // A user event's or a timer's one bit (event::user, event::timeout), once until its
  // re-enabling call (user_event::reset, timer::take_expirations).
  void record_own(registration& r, event bit) noexcept;
  // A socket's deadline or idle timeout passed: event::timeout, whatever the mask.
  void record_timeout(registration& r) noexcept;
  // A user event's signal woke the backend (or it starts watching): clears the signal, then
  // records user if the event is set. Returns whether the backend must wait on the signal
  // again; not while user is recorded and not reset (reset re-arms, engine::on_user_reset).
  bool user_wait_needed(registration& r) noexcept;
  // Rule 4: a failed connect is recorded with its error, wherever the failure was learnt
  // (the OS's report, a look, or connect() itself failing at once: C24).
  void record_failed_connect(registration& r) noexcept;
  // Rule 5: once the connection is over (the peer's FIN or a reset, or a reset evsel took
  // from the OS), close is recorded when no unread data is left, so that closing on it
  // loses nothing (C36). While data is left, read is recorded instead: the OS may report
  // the close alone, and then read must come, or neither would.
  void record_close_if_due(registration& r, input_left left) noexcept;
  // Whether record_close_if_due could record anything: the connection is over and close
  // can be recorded. Lets a backend skip the look at unread data in the common case.
  static bool close_awaits(const registration& r) noexcept {
    const socket_state& s = *r.socket;
    return (s.peer_closed || s.sticky_error) && has_any(r.recordable(), event::close);
  }
  // A consuming call took the condition away before wait returned it (C19, C52).
  static void clear(socket_state& s, event bits) noexcept {
    s.recorded = without(s.recorded, bits);
  }
  // A re-enabling call: the bits may be recorded again.
  static void reenable(socket_state& s, event bits) noexcept {
    s.disabled = without(s.disabled, bits);
  }

  // Queues `r` if it has deliverable events (after a mask change, for example).
  void requeue(registration& r) noexcept;
  // Takes `r` off the ready list; its record is dropped (rule 9).
  void unqueue(registration& r) noexcept;

  // Moves up to `capacity` records into `out`, oldest first; returns how many.
  std::size_t collect(ready_record* out, std::size_t capacity) noexcept;

  // The list of every registration the poller owns.
  void link(registration& r) noexcept;
  void unlink(registration& r) noexcept;
  registration* first() const noexcept { return all_head_; }
  // Something may be ready to collect (a queued socket can still turn out empty).
  bool has_queued() const noexcept { return ready_head_ != nullptr; }

 private:
  void enqueue(registration& r) noexcept;

  registration* ready_head_ = nullptr;
  registration* ready_tail_ = nullptr;
  registration* all_head_ = nullptr;
};

}  // namespace evsel::detail
