// SPDX-License-Identifier: MIT
// evsel: one socket's registration with a poller: the WSAEventSelect record and mask.
#pragma once

#include <chrono>

#include <evsel/events.hpp>

#include "socket_state.hpp"

namespace evsel::detail {

class engine;

// Bits a socket never records, whatever its mask, on every backend: a UDP socket has only
// read and write (G12); an OOB-inline socket's urgent byte is data (C42); after
// shutdown(receive) nothing can be read, so neither read nor oob is recorded (C34).
inline event never_recorded(const socket_state& s) noexcept {
  event never = s.is_tcp() ? event::none : all_events & ~(event::read | event::write);
  if (s.oob_inline) never |= event::oob;
  if (s.receive_shut) never |= event::read | event::oob;
  return never;
}

// One WSAEventSelect association: the mask M and where records go. The record R and the
// disabled set D belong to the socket (socket_state), because on Windows they outlive a
// change of selection: remove and add again behaves like mask 0 and back (G2, G3).
// Backends derive from it to add their own per-socket data.
struct registration {
  registration() = default;
  registration(const registration&) = delete;
  registration& operator=(const registration&) = delete;
  virtual ~registration() = default;

  engine* owner = nullptr;
  socket_state* socket = nullptr;  // null once detached
  void* context = nullptr;
  event mask = event::none;

  // Ready list (FIFO of registrations that may have recorded & mask).
  registration* ready_prev = nullptr;
  registration* ready_next = nullptr;
  bool queued = false;
  // All live registrations of the poller.
  registration* all_prev = nullptr;
  registration* all_next = nullptr;
  // Detached but still referred to by the backend: the engine's list of those to free.
  registration* detached_next = nullptr;
  // A listener whose accept failed for lack of descriptors rests: accept is not recorded
  // (nor waited for) until rest_until, so that a queued connection cannot make the wait
  // spin. Each failure in a row doubles the rest (engine::rest_accept).
  event resting = event::none;
  std::chrono::steady_clock::time_point rest_until{};
  std::chrono::milliseconds rest_length{0};
  registration* resting_next = nullptr;

  event deliverable() const noexcept { return socket->recorded & mask; }
  // Bits that could be recorded now: selected, not disabled, not resting, and not among
  // those this socket never records.
  event recordable() const noexcept {
    return mask & ~socket->disabled & ~resting & ~never_recorded(*socket);
  }
};

}  // namespace evsel::detail
