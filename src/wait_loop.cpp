// SPDX-License-Identifier: MIT
// evsel: engine::wait, the loop that blocks in the backend and returns records.
#include <atomic>
#include <chrono>

#include "engine.hpp"
#include "misuse.hpp"

namespace evsel::detail {

std::size_t engine::wait(ready_record* out,
                         std::size_t capacity,
                         std::chrono::milliseconds timeout,
                         std::error_code& ec) noexcept {
  // Counted before anything else, for the destructor's check (a poller destroyed under a
  // wait); the count ends after the last access to the engine, the turn's release.
  struct counted {
    std::atomic<unsigned>& count;
    explicit counted(std::atomic<unsigned>& c) noexcept : count(c) {
      count.fetch_add(1, std::memory_order_acq_rel);
    }
    ~counted() { count.fetch_sub(1, std::memory_order_acq_rel); }
  } const in_progress(waits_in_progress_);
  ec.clear();
  if (out == nullptr || capacity == 0) {
    ec = make_error_code(misuse::record_array);
    return 0;
  }
  using clock = std::chrono::steady_clock;
  // Negative means forever; so does anything too long to add to the clock (over a year).
  const bool forever =
      timeout < std::chrono::milliseconds::zero() || timeout > std::chrono::hours(24 * 366);
  // The clock is read only when a deadline needs it: a busy server waits a lot.
  const bool timed = !forever && timeout != std::chrono::milliseconds::zero();
  const clock::time_point deadline = timed ? clock::now() + timeout : clock::time_point{};
  std::unique_lock<std::mutex> held(lock_);
  // Waits take turns, and the timeout bounds the whole call: a wait behind another one
  // returns 0 at its own deadline (at once for zero) if its turn has not come by then.
  const bool waited_for_turn = turn_taken_;
  if (waited_for_turn) {
    const auto turn_came = [this] { return !turn_taken_; };
    if (forever) {
      turn_free_.wait(held, turn_came);
    } else if (!timed || !turn_free_.wait_until(held, deadline, turn_came)) {
      return 0;
    }
  }
  turn_taken_ = true;
  // Destroyed before `held` lets go of the lock, on every return.
  struct turn_release {
    engine& e;
    ~turn_release() {
      e.turn_taken_ = false;
      // All: one woken waiter may be giving up at its deadline just now.
      e.turn_free_.notify_all();
    }
  } const release_turn{*this};
  // A wake that came with the last wait's records is reported now, before anything else,
  // and without taking records: they stay for the next wait.
  if (wake_kept_) {
    wake_kept_ = false;
    return 0;
  }
  // A wait that had to wait for its turn has used up part of its time.
  for (bool first = !waited_for_turn;; first = false) {
    // Even with records waiting, the backend gets a look (without blocking), so that
    // sockets re-recorded by the application's own calls never starve the others.
    auto left = forever ? std::chrono::milliseconds(-1) : timeout;
    if (core_.has_queued()) {
      left = std::chrono::milliseconds::zero();
    } else if (timed && !first) {
      left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
      if (left < std::chrono::milliseconds::zero()) left = std::chrono::milliseconds::zero();
    }
    if (resting_ != nullptr) left = until_first_rest_ends(left);
    // One clock reading per round serves the timer queue: it dates the moves of idle
    // timeouts and bounds the block.
    const bool timing = !timed_.empty() || moved_ != nullptr;
    const clock::time_point entered = timing ? clock::now() : clock::time_point{};
    if (timing) {
      date_moves(entered);
      if (!timed_.empty()) left = until_first_due(left, entered);
    }
    blocked_waiter_ = true;
    const run_status status = backend_->run(left, ec, held);
    blocked_waiter_ = false;
    if (resting_ != nullptr) end_due_rests();
    if (timing && may_be_due(status, entered)) expire_due();
    if (detached_ != nullptr) free_released();
    // A wake is never swallowed: reported by this wait's 0 if it has no records, otherwise
    // kept for the next wait, which returns 0 at once (records come first, and neither
    // starves the other under a storm of wakes).
    if (ec) {
      wake_kept_ = wake_kept_ || status == run_status::woken;
      return 0;
    }
    const std::size_t count = core_.collect(out, capacity);
    if (status == run_status::woken) {
      wake_kept_ = count != 0;
      return count;
    }
    if (count != 0) return count;
    // Notifications that recorded nothing (a condition consumed meanwhile, a disabled
    // bit) are not a reason to return: wait on until the deadline.
    if (!forever && (!timed || clock::now() >= deadline)) return 0;
  }
}

}  // namespace evsel::detail
