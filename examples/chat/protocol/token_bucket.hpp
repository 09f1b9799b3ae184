// SPDX-License-Identifier: MIT
// evsel chat: a token bucket, the one rate limit behind --max-rate, the per-address
// connection rate and the join and leave notices.
#pragma once

#include <algorithm>
#include <chrono>

namespace evsel::chat {

// `per_second` tokens come a second, and at most that many are held; it starts full, so a
// second's worth may be taken at once.
class token_bucket {
 public:
  using clock = std::chrono::steady_clock;

  explicit token_bucket(double per_second = 0) noexcept : rate_(per_second), tokens_(per_second) {}

  // Takes one token if there is one.
  bool take(clock::time_point now) noexcept {
    refill(now);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }
  // Whether it holds all it can: nothing taken lately.
  bool full(clock::time_point now) noexcept {
    refill(now);
    return tokens_ >= rate_;
  }

 private:
  void refill(clock::time_point now) noexcept {
    if (refilled_ != clock::time_point{}) {
      const double seconds = std::chrono::duration<double>(now - refilled_).count();
      tokens_ = std::min(rate_, tokens_ + seconds * rate_);
    }
    refilled_ = now;
  }

  double rate_;
  double tokens_;
  clock::time_point refilled_{};
};

}  // namespace evsel::chat
