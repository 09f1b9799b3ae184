// SPDX-License-Identifier: MIT
// evsel chat: the server's memory budget: what its connections hold, against one limit.
#pragma once

#include <cstddef>

namespace evsel::chat {

// Every holder of memory (a session's queues and the kernel buffer it fills) keeps its own
// charge and moves it with recharge(), so that the total is exact at any moment and costs
// O(1) to keep.
class memory_budget {
 public:
  // `unseen_share`: the charges may reach all but 1/unseen_share of the limit; the rest is
  // for what they cannot see (the allocator's and the OS's own, a batch's growth before it
  // is checked).
  explicit memory_budget(std::size_t limit, std::size_t unseen_share = 16) noexcept
      : limit_(limit), unseen_share_(unseen_share) {}

  std::size_t limit() const noexcept { return limit_; }
  std::size_t used() const noexcept { return used_; }
  // What the charges may reach.
  std::size_t high_water() const noexcept { return limit_ - limit_ / unseen_share_; }
  bool exceeded() const noexcept { return used_ > high_water(); }
  // Shedding goes on until usage is down to this, an eighth of the limit below high_water(),
  // so that it does not begin again with the next line.
  std::size_t low_water() const noexcept { return high_water() - limit_ / 8; }
  bool has_room_for(std::size_t bytes) const noexcept { return used_ + bytes <= high_water(); }
  // What charges may still grow by before they reach high_water().
  std::size_t room() const noexcept { return used_ < high_water() ? high_water() - used_ : 0; }

  // Moves one holder's charge from `charged` to `now`, and sets `charged` to `now`.
  void recharge(std::size_t& charged, std::size_t now) noexcept {
    used_ = used_ - charged + now;
    charged = now;
  }

 private:
  std::size_t limit_;
  std::size_t unseen_share_;
  std::size_t used_ = 0;
};

}  // namespace evsel::chat
