// SPDX-License-Identifier: MIT
// evsel: an application event that a poller reports beside its sockets (WSACreateEvent).
#pragma once

#include <system_error>

#include <evsel/export.hpp>

namespace evsel {

namespace detail {
struct user_event_state;
}  // namespace detail

class poller;

/// A manual-reset event, the analogue of a WSACreateEvent event in a
/// WSAWaitForMultipleEvents array: another thread (or a signal handler) sets it, and the
/// poller it is registered with returns a record with event::user and its context.
///
/// - set() makes it signalled; setting it again changes nothing (a storm of sets is one
///   record). It stays set until reset().
/// - While set and registered, it is recorded once: the record comes back only after
///   reset(), its re-enabling call, and a later set().
/// - reset() takes back a record collected but not yet returned by a wait, as the socket
///   calls do: once reset() returns, no wait returns that record.
///
/// Thread-safety: set(), reset() and is_set() may come from any thread. On POSIX set() is
/// async-signal-safe (an atomic flag and, on the unset-to-set edge, one write to an eventfd
/// or pipe); on Windows it may be called from a console control handler. It never locks or
/// allocates.
///
/// An event registers with one poller at a time (poller::add); destroying it removes it.
class EVSEL_EXPORT user_event {
 public:
  /// An unset event. Throws std::system_error if the OS refuses its resources (a
  /// descriptor on POSIX, an event handle on Windows).
  user_event();
  /// As above without exceptions: on failure `ec` says why and the event is empty.
  explicit user_event(std::error_code& ec) noexcept;
  /// Removes it from its poller, if any, and frees its resources.
  ~user_event();
  /// Moving keeps the registration; the moved-from event is empty.
  user_event(user_event&& other) noexcept;
  /// Destroys this event (removing it from its poller), then takes over `other`'s.
  user_event& operator=(user_event&& other) noexcept;
  user_event(const user_event&) = delete;
  user_event& operator=(const user_event&) = delete;

  /// False for a moved-from event or one whose construction failed.
  bool valid() const noexcept { return state_ != nullptr; }

  /// Signals the event (WSASetEvent). Errors: errc::invalid_argument for an empty event.
  std::error_code set() noexcept;
  /// Unsignals it (WSAResetEvent) and takes back a record not yet returned: the re-enabling
  /// call. Errors: errc::invalid_argument for an empty event.
  std::error_code reset() noexcept;
  /// Whether it is set; false for an empty event.
  bool is_set() const noexcept;

 private:
  friend class poller;
  void destroy() noexcept;
  detail::user_event_state* state_ = nullptr;
};

}  // namespace evsel
