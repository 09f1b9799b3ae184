// SPDX-License-Identifier: MIT
// evsel chat: which joins and leaves are announced one by one, and the summary of the rest,
// so that a storm of connections does not become a storm of lines to every member.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "token_bucket.hpp"

namespace evsel::chat {

class membership_notices {
 public:
  using clock = std::chrono::steady_clock;
  enum class change { joined, left };

  // Up to `per_second` notices a second (as many at once) go out one by one; 0: all do.
  explicit membership_notices(std::size_t per_second)
      : per_second_(per_second), allowance_(static_cast<double>(per_second)) {}

  // Whether this join or leave gets its own line; if not, it is counted for summary().
  bool announce(change what, clock::time_point now);

  // "* 312 joined and 310 left in the last second (2013 online)" for what announce()
  // held back since the last call, or an empty string; to be called about once a second.
  std::string summary(std::size_t online);

 private:
  std::size_t per_second_;
  token_bucket allowance_;
  std::size_t joined_ = 0;  // held back since the last summary
  std::size_t left_ = 0;
};

}  // namespace evsel::chat
