// SPDX-License-Identifier: MIT
// evsel: one socket's registration with a poller: the WSAEventSelect record and mask.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <evsel/events.hpp>

#include "socket_state.hpp"

namespace evsel::detail {

class engine;
struct user_event_state;
struct timer_state;

// `set` less `bits`, over every bit: event's own operator~ keeps to the mask bits, so
// `recorded &= ~bits` would also drop a recorded event::timeout.
constexpr event without(event set, event bits) noexcept {
  return static_cast<event>(static_cast<std::uint32_t>(set) & ~static_cast<std::uint32_t>(bits));
}

// What a registration reports on: a socket (FD_* events, and timeout for its deadline and
// idle timeout), a user event (user) or a timer (timeout).
enum class source_kind : std::uint8_t { socket, user_event, timer };

// One place in the engine's timer queue (timer_queue.hpp): a timer's next expiry, a socket's
// deadline, or the moment a socket's idle timeout is next looked at.
struct timed_entry {
  static constexpr std::size_t unqueued = std::numeric_limits<std::size_t>::max();
  enum class role : std::uint8_t { timer_expiry, deadline, idle_check };

  std::chrono::steady_clock::time_point due{};
  std::size_t slot = unqueued;  // index in the queue's heap
  role what = role::timer_expiry;
  registration* owner = nullptr;

  bool queued() const noexcept { return slot != unqueued; }
};

// Why a socket's timeout bit is recorded, so that clearing one cause takes back only its own.
enum timeout_cause : std::uint8_t { no_cause = 0, by_deadline = 1, by_idle = 2 };

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
// disabled set D of a socket belong to the socket (socket_state), because on Windows they
// outlive a change of selection: remove and add again behaves like mask 0 and back (G2, G3).
// A user event or a timer has one bit, kept here (own_recorded, own_disabled).
// Backends derive from it to add their own per-socket (and per-user-event) data; a timer's
// registration is this class itself, as no backend ever sees it.
struct registration {
  registration() = default;
  registration(const registration&) = delete;
  registration& operator=(const registration&) = delete;
  virtual ~registration() = default;

  engine* owner = nullptr;
  source_kind kind = source_kind::socket;
  // Exactly one is set, by kind; all are null once detached.
  socket_state* socket = nullptr;
  user_event_state* user = nullptr;
  timer_state* timer = nullptr;
  void* context = nullptr;
  event mask = event::none;

  // User event and timer: R and D of their one bit (event::user, event::timeout).
  event own_recorded = event::none;
  event own_disabled = event::none;
  // Timer: its next expiry. Socket: its deadline.
  timed_entry expiry;
  // Socket: when its idle timeout is next looked at; idle_period zero means none. Moving
  // data only puts the registration on the engine's list of moved ones (moved_prev/next), once
  // per wait; the engine dates the moves with the next clock reading it makes anyway, which
  // is never before them (last_moved), so a restart costs no clock read and no queue update.
  timed_entry idle_check;
  std::chrono::milliseconds idle_period{0};
  std::chrono::steady_clock::time_point last_moved{};
  bool moved = false;  // on the engine's list of moved registrations
  registration* moved_prev = nullptr;
  registration* moved_next = nullptr;
  std::uint8_t timeout_causes = no_cause;  // timeout_cause bits of a recorded timeout

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

  bool detached() const noexcept {
    return socket == nullptr && user == nullptr && timer == nullptr;
  }
  owned_state* source() const noexcept;  // the socket, user event or timer; null once detached
  // What a wait returns now. A socket's timeout bit is delivered whatever its mask.
  event deliverable() const noexcept {
    return kind == source_kind::socket ? socket->recorded & (mask | event::timeout) : own_recorded;
  }
  // Bits that could be recorded now: selected, not disabled, not resting, and not among
  // those this socket never records.
  event recordable() const noexcept {
    return mask & ~socket->disabled & ~resting & ~never_recorded(*socket);
  }
};

}  // namespace evsel::detail
