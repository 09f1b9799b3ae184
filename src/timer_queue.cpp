// SPDX-License-Identifier: MIT
// evsel: the engine's timer queue, a binary heap of timed entries.
#include "timer_queue.hpp"

#include <algorithm>
#include <new>

#include "assert.hpp"

namespace evsel::detail {

std::error_code timer_queue::reserve(std::size_t more) noexcept {
  const std::size_t needed = reserved_ + more;
  try {
    // Geometric, so that a run of adds does not copy the heap each time.
    if (needed > heap_.capacity()) heap_.reserve(std::max(needed, 2 * heap_.capacity()));
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
  reserved_ += more;
  return {};
}

void timer_queue::schedule(timed_entry& e, time_point due) noexcept {
  if (!e.queued()) {
    EVSEL_ASSERT(heap_.size() < heap_.capacity(), "timer queue: no room reserved");
    e.due = due;
    heap_.push_back(&e);  // within the reserved capacity: never allocates
    e.slot = heap_.size() - 1;
    sift_up(e.slot);
    return;
  }
  const bool earlier = due < e.due;
  e.due = due;
  if (earlier) {
    sift_up(e.slot);
  } else {
    sift_down(e.slot);
  }
}

void timer_queue::cancel(timed_entry& e) noexcept {
  if (!e.queued()) return;
  const std::size_t slot = e.slot;
  timed_entry* const last = heap_.back();
  heap_.pop_back();
  e.slot = timed_entry::unqueued;
  if (last == &e) return;
  place(slot, last);
  sift_up(slot);
  sift_down(last->slot);
}

void timer_queue::sift_up(std::size_t slot) noexcept {
  timed_entry* const e = heap_[slot];
  while (slot > 0) {
    const std::size_t parent = (slot - 1) / 2;
    if (!(e->due < heap_[parent]->due)) break;
    place(slot, heap_[parent]);
    slot = parent;
  }
  place(slot, e);
}

void timer_queue::sift_down(std::size_t slot) noexcept {
  timed_entry* const e = heap_[slot];
  const std::size_t count = heap_.size();
  for (;;) {
    std::size_t child = 2 * slot + 1;
    if (child >= count) break;
    if (child + 1 < count && heap_[child + 1]->due < heap_[child]->due) ++child;
    if (!(heap_[child]->due < e->due)) break;
    place(slot, heap_[child]);
    slot = child;
  }
  place(slot, e);
}

}  // namespace evsel::detail
