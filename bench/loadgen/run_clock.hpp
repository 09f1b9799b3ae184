// SPDX-License-Identifier: MIT
// evsel-bench-load: the run's time line: setup, warmup, the measurement window, the limits.
#pragma once

#include <chrono>
#include <cstdint>

namespace evsel_loadgen {

using clock_type = std::chrono::steady_clock;

// A connection that waits for data and gets none for this long has failed.
constexpr auto stall_limit = std::chrono::seconds(10);

// The whole program may take the warmup and the window plus this, and not a moment more.
constexpr auto overall_margin = std::chrono::seconds(30);

inline std::uint64_t nanoseconds_between(clock_type::time_point from, clock_type::time_point to) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

class run_clock {
 public:
  enum class phase { setup, warmup, measuring, finished };

  // The overall limit counts from here: construct it when the program starts.
  run_clock(double warmup_s, double duration_s);

  // Traffic starts now; so does the warmup.
  void start_traffic(clock_type::time_point now);

  // Moves on to the next phase when its time has come; true when it did.
  bool advance(clock_type::time_point now);

  phase current() const noexcept { return phase_; }
  bool measuring() const noexcept { return phase_ == phase::measuring; }

  // How long the window really lasted (it ends at the first loop turn after its time).
  double measured_seconds() const noexcept;

  // Fails with "timed out" once past the overall limit.
  void check_deadline(clock_type::time_point now) const;

  // For epoll_wait: until the next phase change, and at most a second so that stalls are
  // looked for even when nothing happens.
  int wait_milliseconds(clock_type::time_point now) const noexcept;

  // True once a second: time to look for stalled connections.
  bool sweep_due(clock_type::time_point now) noexcept;

 private:
  clock_type::duration warmup_;
  clock_type::duration duration_;
  clock_type::time_point deadline_;
  clock_type::time_point next_change_ = clock_type::time_point::max();
  clock_type::time_point next_sweep_;
  clock_type::time_point window_start_{};
  clock_type::time_point window_end_{};
  phase phase_ = phase::setup;
};

}  // namespace evsel_loadgen
