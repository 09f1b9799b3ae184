// SPDX-License-Identifier: MIT
// evsel: a one-shot or periodic timer that a poller reports beside its sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <system_error>

#include <evsel/export.hpp>

namespace evsel {

namespace detail {
struct timer_state;
}  // namespace detail

class poller;

/// A timer on the steady clock, the analogue of a waitable timer in a
/// WSAWaitForMultipleEvents array. Registered with a poller (poller::add), its expiry is a
/// record with event::timeout and its context.
///
/// - arm(after, period) and arm_at(when, period) start it: the first expiry at the given
///   time, then one every `period` (zero: one-shot). Periods are planned from the first
///   expiry, never from when a record was read, so a periodic timer does not drift.
/// - An expiry is recorded once: further expiries are counted, not recorded, until
///   take_expirations(), the re-enabling call, which returns how many have passed (as a
///   read of a timerfd does). A program that stalls gets one record and a count, never a
///   flood.
/// - Never early: a record comes at or after the planned time (the wait's deadline is
///   rounded up to what the backend can wait).
/// - arm, arm_at and disarm drop expirations not yet taken and take back a record collected
///   but not yet returned: once they return, no wait returns it.
///
/// Thread-safety: every call may come from any thread, also while a wait blocks; a change
/// that brings the next expiry closer ends that wait's block early. A timer registers with
/// one poller at a time; destroying it removes it. An unregistered timer runs all the same:
/// added later, an expiry that has passed is recorded at once.
class EVSEL_EXPORT timer {
 public:
  /// The clock of every time a timer takes and gives.
  using clock = std::chrono::steady_clock;

  /// A disarmed timer. Throws std::bad_alloc if memory runs out.
  timer();
  ~timer();
  /// Moving keeps the registration and the schedule; the moved-from timer is empty.
  timer(timer&& other) noexcept;
  /// Destroys this timer (removing it from its poller), then takes over `other`'s.
  timer& operator=(timer&& other) noexcept;
  timer(const timer&) = delete;
  timer& operator=(const timer&) = delete;

  /// False for a moved-from timer.
  bool valid() const noexcept { return state_ != nullptr; }

  /// First expiry `after` from now (zero or negative: at once), then every `period`.
  /// Errors: errc::invalid_argument for a negative period or an empty timer.
  std::error_code arm(clock::duration after,
                      clock::duration period = clock::duration::zero()) noexcept;
  /// First expiry at `when` (in the past: at once), then every `period`.
  /// Errors: errc::invalid_argument for a negative period or an empty timer.
  std::error_code arm_at(clock::time_point when,
                         clock::duration period = clock::duration::zero()) noexcept;
  /// Stops it. Errors: errc::invalid_argument for an empty timer.
  std::error_code disarm() noexcept;
  /// The re-enabling call: returns the number of expiries since the last call (or since
  /// arming), 0 if none, and lets the next expiry be recorded. Also takes back a record
  /// not yet returned, as its expiries are now counted. 0 for an empty timer.
  std::uint64_t take_expirations() noexcept;

  /// Whether an expiry is still to come (a one-shot timer is disarmed once it expired).
  bool armed() const noexcept;
  /// The next planned expiry; meaningful while armed().
  clock::time_point next_expiry() const noexcept;

 private:
  friend class poller;
  void destroy() noexcept;
  detail::timer_state* state_ = nullptr;
};

}  // namespace evsel
