// SPDX-License-Identifier: MIT
// evsel: the engine's timer queue: timers' expiries and sockets' deadlines and idle checks.
#pragma once

#include <chrono>
#include <cstddef>
#include <system_error>
#include <vector>

#include "registration.hpp"

namespace evsel::detail {

// A binary min-heap by due time. Each entry knows its slot, so that an entry can be moved or
// taken out in O(log n) (disarm, clear_deadline, remove). Room is reserved by reserve() when
// a registration gains a way to be queued, so that scheduling never allocates and never
// fails inside a noexcept call.
class timer_queue {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  // Room for `more` entries beyond those that may be queued already.
  std::error_code reserve(std::size_t more) noexcept;
  // Gives back room reserved for entries that can no longer be queued.
  void release(std::size_t fewer) noexcept { reserved_ -= fewer; }

  // Queues `e` at `due`, or moves it there if queued.
  void schedule(timed_entry& e, time_point due) noexcept;
  void cancel(timed_entry& e) noexcept;

  bool empty() const noexcept { return heap_.empty(); }
  timed_entry& first() const noexcept { return *heap_.front(); }
  void pop() noexcept { cancel(*heap_.front()); }
  std::size_t size() const noexcept { return heap_.size(); }

 private:
  void place(std::size_t slot, timed_entry* e) noexcept {
    heap_[slot] = e;
    e->slot = slot;
  }
  void sift_up(std::size_t slot) noexcept;
  void sift_down(std::size_t slot) noexcept;

  std::vector<timed_entry*> heap_;
  std::size_t reserved_ = 0;
};

}  // namespace evsel::detail
