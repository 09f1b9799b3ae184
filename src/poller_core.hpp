// SPDX-License-Identifier: MIT
// evsel: backend-neutral bookkeeping of a poller: recording, re-enabling, the ready list.
#pragma once

#include <cstddef>
#include <system_error>

#include <evsel/events.hpp>
#include <evsel/poller.hpp>

#include "registration.hpp"

namespace evsel::detail {

// Both backends report what the OS tells them through record(); the rules that make the
// model identical everywhere (mask filter, one delivery until re-enabled, FIFO rotation,
// no empty records) live here once.
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
  // A consuming call took the condition away before wait returned it (C19, C52).
  static void clear(socket_state& s, event bits) noexcept { s.recorded &= ~bits; }
  // A re-enabling call: the bits may be recorded again.
  static void reenable(socket_state& s, event bits) noexcept { s.disabled &= ~bits; }

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
