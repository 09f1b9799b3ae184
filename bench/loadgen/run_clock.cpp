// SPDX-License-Identifier: MIT
// evsel-bench-load: the run's time line: setup, warmup, the measurement window, the limits.
#include "run_clock.hpp"

#include <algorithm>

#include "failure.hpp"

namespace evsel_loadgen {

namespace {

clock_type::duration seconds(double s) {
  return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
}

}  // namespace

run_clock::run_clock(double warmup_s, double duration_s)
    : warmup_(seconds(warmup_s)), duration_(seconds(duration_s)) {
  const auto now = clock_type::now();
  deadline_ = now + warmup_ + duration_ + overall_margin;
  next_sweep_ = now + std::chrono::seconds(1);
}

void run_clock::start_traffic(clock_type::time_point now) {
  phase_ = phase::warmup;
  next_change_ = now + warmup_;
}

bool run_clock::advance(clock_type::time_point now) {
  if (now < next_change_) return false;
  if (phase_ == phase::warmup) {
    phase_ = phase::measuring;
    window_start_ = now;
    next_change_ = now + duration_;
  } else if (phase_ == phase::measuring) {
    phase_ = phase::finished;
    window_end_ = now;
    next_change_ = clock_type::time_point::max();
  } else {
    return false;
  }
  return true;
}

double run_clock::measured_seconds() const noexcept {
  return std::chrono::duration<double>(window_end_ - window_start_).count();
}

void run_clock::check_deadline(clock_type::time_point now) const {
  if (now < deadline_) return;
  fail("timed out: the run did not end within warmup + duration + %lld s",
       static_cast<long long>(overall_margin.count()));
}

int run_clock::wait_milliseconds(clock_type::time_point now) const noexcept {
  const auto until = std::min({next_change_, next_sweep_, deadline_});
  if (until <= now) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
  return static_cast<int>(std::min<long long>(ms, 1000));
}

bool run_clock::sweep_due(clock_type::time_point now) noexcept {
  if (now < next_sweep_) return false;
  next_sweep_ = now + std::chrono::seconds(1);
  return true;
}

}  // namespace evsel_loadgen
