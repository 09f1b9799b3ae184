// SPDX-License-Identifier: MIT
// evsel: the poller, WSAEventSelect's model for many sockets behind one wait.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <system_error>

#include <evsel/events.hpp>
#include <evsel/export.hpp>
#include <evsel/socket.hpp>
#include <evsel/timer.hpp>
#include <evsel/user_event.hpp>

namespace evsel {

namespace detail {
// The library's own way in (the test hooks of <evsel/testing.hpp>). A struct, not a friend
// function: GCC 14 warns in every program that uses a shared evsel on Windows when an
// exported function is also declared a friend here.
struct poller_access;
}  // namespace detail

/// One socket's events as returned by poller::wait: the events and their errors, plus the
/// context value given to poller::add.
struct ready_record : network_events {
  /// The value given to poller::add (or the last poller::modify that set one).
  void* context = nullptr;
};

/// Waits for network events on many sockets, with WSAEventSelect's semantics made safe and
/// identical on every platform (docs/semantics.md is the contract).
///
/// - add(s, mask, context) is WSAEventSelect(s, event, mask): events in `mask` are
///   recorded from now on; conditions that already hold are recorded at once.
/// - wait() is WSAWaitForMultipleEvents plus WSAEnumNetworkEvents for every socket that
///   has something: each record holds at least one event, in rotation across sockets.
/// - An event, once recorded, comes again only after its re-enabling call on
///   evsel::socket (recv for read/oob, accept for accept, a send that would block for
///   write); connect and close come once.
///
/// Thread-safety: every call, and every call on a registered socket, may come from any
/// thread, also while another thread blocks in wait(); what such a call records ends that
/// wait. Waits on one poller take turns (docs/semantics.md, Threads).
class EVSEL_EXPORT poller {
 public:
  /// Waits forever when passed as a timeout.
  static constexpr std::chrono::milliseconds infinite{-1};

  /// Throws std::system_error if the OS refuses the resources a poller needs.
  poller();
  /// Unregisters every socket, user event and timer still registered (they stay usable).
  /// No other call on this poller may be in progress. Destroying it while another thread
  /// is inside wait() would free what that wait uses, so it is diagnosed in every build: a
  /// message naming the misuse goes to stderr and the process ends with std::abort. Let
  /// the waiting thread return first (wake() it and join it).
  ~poller();
  poller(const poller&) = delete;
  poller& operator=(const poller&) = delete;

  /// Starts recording `mask` for `s`; `context` comes back in every record of `s`.
  /// An unbound UDP socket is bound to the wildcard address first (UDP sockets are always
  /// bound, so write is recorded once at registration).
  /// Errors: errc::not_a_socket, errc::invalid_argument (bits outside all_events),
  /// errc::already_registered, or an OS error; on error nothing is registered. There is
  /// no limit on the number of sockets per poller on any backend.
  [[nodiscard]] std::error_code add(socket& s, event mask, void* context = nullptr) noexcept;

  /// Replaces the mask (WSAEventSelect again). An event already recorded and not
  /// re-enabled is not delivered again; conditions that hold now are recorded for
  /// newly enabled bits. Errors: errc::not_a_socket, errc::invalid_argument,
  /// errc::not_registered.
  [[nodiscard]] std::error_code modify(socket& s, event mask) noexcept;
  /// As above, also replacing the context value.
  [[nodiscard]] std::error_code modify(socket& s, event mask, void* context) noexcept;

  /// Stops reporting `s`; no later wait returns a record for it. What the registration
  /// holds is freed here, or (where the backend still has cancelled waits queued) by a
  /// later wait or remove: add/remove without waits holds a bounded amount. Errors:
  /// errc::not_a_socket, errc::not_registered.
  [[nodiscard]] std::error_code remove(socket& s) noexcept;

  /// Registers a user event: while it is set, a record with event::user and `context`
  /// (once, until user_event::reset). An event set before add is recorded at once.
  /// Errors: errc::invalid_argument (an empty event), errc::already_registered, or an OS
  /// error; on error nothing is registered.
  [[nodiscard]] std::error_code add(user_event& e, void* context = nullptr) noexcept;
  /// Stops reporting `e`; a record collected but not yet returned is dropped.
  /// Errors: errc::invalid_argument (an empty event), errc::not_registered.
  [[nodiscard]] std::error_code remove(user_event& e) noexcept;

  /// Registers a timer: each expiry is a record with event::timeout and `context` (once,
  /// until timer::take_expirations). An expiry that passed before add is recorded at once.
  /// Errors: errc::invalid_argument (an empty timer), errc::already_registered,
  /// errc::no_buffer_space (out of memory); on error nothing is registered.
  [[nodiscard]] std::error_code add(timer& t, void* context = nullptr) noexcept;
  /// Stops reporting `t` (it stays armed); a record not yet returned is dropped.
  /// Errors: errc::invalid_argument (an empty timer), errc::not_registered.
  [[nodiscard]] std::error_code remove(timer& t) noexcept;

  /// A one-shot deadline for a registered socket: when `when` passes, its record gains
  /// event::timeout (alone or beside its FD_* events), whatever its mask. Replaces an
  /// earlier deadline and takes back a timeout record of that one not yet returned.
  /// Removing the socket ends it. Errors: errc::not_a_socket, errc::not_registered,
  /// errc::no_buffer_space.
  [[nodiscard]] std::error_code set_deadline(socket& s,
                                             std::chrono::steady_clock::time_point when) noexcept;
  /// Cancels the deadline; a timeout record it made and not yet returned is taken back.
  /// Errors: errc::not_a_socket, errc::not_registered.
  [[nodiscard]] std::error_code clear_deadline(socket& s) noexcept;
  /// An idle timeout for a registered socket: event::timeout is recorded when no recv,
  /// send or accept on it moved data for `idle` (each such call restarts the period, at
  /// constant cost). Recorded once per idle period: the next one starts with the next call
  /// that moves data, or with set_idle_timeout again. Zero turns it off and takes back a
  /// timeout record it made and not yet returned. Errors: errc::not_a_socket,
  /// errc::not_registered, errc::invalid_argument (negative), errc::no_buffer_space.
  [[nodiscard]] std::error_code set_idle_timeout(socket& s,
                                                 std::chrono::milliseconds idle) noexcept;

  /// Waits up to `timeout` (poller::infinite: forever; zero: just look) until at least one
  /// registered socket, user event or timer has a record, or wake() is called. Fills up to
  /// `capacity` records and returns their number. When more sockets are ready than fit, the next
  /// wait continues with the ones left out. Returns 0 exactly when the timeout passed or a wake is
  /// reported. A wake is never swallowed: a wait that has records returns them and keeps the wake
  /// pending, so the next wait returns 0 at once (and takes no records; they stay for the wait
  /// after it). Waits on one poller take turns; the timeout bounds the whole call, the wait for the
  /// turn included (zero never waits for another thread's wait to end).
  /// Errors: errc::invalid_argument for a null `out` or zero `capacity`, or an OS error.
  std::size_t wait(ready_record* out,
                   std::size_t capacity,
                   std::chrono::milliseconds timeout,
                   std::error_code& ec) noexcept;

  /// Makes a blocked wait() return 0 (or the next one, if none is blocked). Coalesced,
  /// never lost: a wait that has records when the wake comes returns them, and the wait
  /// after it returns 0 at once. Callable from any thread.
  void wake() noexcept;

  /// Number of registrations: sockets, user events and timers.
  std::size_t size() const noexcept;

  /// "asio" or "win": the backend compiled into this library.
  static const char* backend_name() noexcept;

 private:
  friend struct detail::poller_access;
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace evsel
