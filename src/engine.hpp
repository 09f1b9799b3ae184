// SPDX-License-Identifier: MIT
// evsel: the backend-neutral poller: argument checks, registrations, the wait loop.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <system_error>

#include <evsel/events.hpp>
#include <evsel/poller.hpp>

#include "backend.hpp"
#include "poller_core.hpp"
#include "registration.hpp"
#include "socket_state.hpp"
#include "timer_queue.hpp"
#include "timer_state.hpp"
#include "user_event_state.hpp"

namespace evsel::detail {

// Public poller calls validate here and then dispatch to the backend (libuv's pattern);
// evsel::socket reaches the same object through its registration for the re-enabling hooks.
//
// Threads: one mutex guards the poller's state and the state of its registered sockets.
// add, modify, remove and the socket calls on registered sockets take it; wait holds it
// except while it blocks in the OS (the backend lets go of it there), so any thread may
// change registrations while another waits. Waits take turns (turn_taken_).
class engine {
 public:
  engine();  // throws std::system_error
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  std::error_code add(socket_state* s, event mask, void* context) noexcept;
  // A new context only if one is given; otherwise the registration keeps its own.
  std::error_code modify(socket_state* s, event mask, std::optional<void*> context) noexcept;
  // Sockets, user events and timers alike.
  std::error_code remove(owned_state* s) noexcept;
  // User events and timers (engine_sources.cpp).
  std::error_code add(user_event_state* e, void* context) noexcept;
  std::error_code add(timer_state* t, void* context) noexcept;
  // Socket deadlines and idle timeouts (timed_records.cpp).
  std::error_code set_deadline(socket_state* s,
                               std::chrono::steady_clock::time_point when) noexcept;
  std::error_code clear_deadline(socket_state* s) noexcept;
  std::error_code set_idle_timeout(socket_state* s, std::chrono::milliseconds idle) noexcept;
  std::size_t wait(ready_record* out,
                   std::size_t capacity,
                   std::chrono::milliseconds timeout,
                   std::error_code& ec) noexcept;
  void wake() noexcept { backend_->wake(); }
  std::size_t size() const noexcept { return live_.load(std::memory_order_relaxed); }
  // Registrations not freed yet, live or detached (evsel::testing::registrations_held).
  std::size_t held() noexcept;

  std::mutex& lock() noexcept { return lock_; }

  // Re-enabling hooks, called by evsel::socket with lock() held, right after the OS call
  // and after it updated the socket's record and disabled set.
  void on_recv(registration& r, const io_result& result) noexcept;
  void on_send(registration& r, const io_result& result) noexcept;
  void on_accept(registration& r, const io_result& result) noexcept;
  void on_transition(registration& r) noexcept;
  // The calls of user events and timers, with lock() held, after they changed the state:
  // reset (the flag is clear), and a timer's arm, disarm or take_expirations (engine_sources.cpp).
  void on_user_reset(registration& r) noexcept;
  void on_timer_change(registration& r) noexcept;
  // The socket is about to be closed: stop reporting it (G13).
  void detach(registration& r) noexcept;

 private:
  registration* lookup(owned_state* s, std::error_code& ec) const noexcept;
  // Claims `s` for this poller and makes its registration (engine_sources.cpp): the steps
  // every add shares. Null with `ec` set if it is taken or memory runs out.
  registration* claim(owned_state& s, registration* fresh, std::error_code& ec) noexcept;
  void unclaim(owned_state& s, registration* r) noexcept;
  // Every kind's own part of detach; the registration's link to its object goes last.
  void detach_source(registration& r) noexcept;
  // Called at the end of every call that may record, with the lock held: a wait blocked
  // in another thread must return what was recorded, as WSAEventSelect's event would be
  // signalled (and deferred looks must happen).
  void notify_waiter() noexcept {
    if (blocked_waiter_ && core_.has_queued()) backend_->nudge();
  }
  // Frees the detached registrations the backend has let go of: walks only those.
  void free_released() noexcept;
  // Accept under descriptor exhaustion (docs/semantics.md, "Running out of descriptors").
  void rest_accept(registration& r) noexcept;
  void end_rest(registration& r) noexcept;
  void end_due_rests() noexcept;
  std::chrono::milliseconds until_first_rest_ends(std::chrono::milliseconds left) const noexcept;
  // The timer queue (timed_records.cpp): what is due is recorded after each run of the
  // backend, and the first due time bounds how long it blocks.
  void schedule(timed_entry& e, std::chrono::steady_clock::time_point due) noexcept;
  void reschedule_timer(registration& r) noexcept;
  void note_data_moved(registration& r) noexcept;
  // Dates the moves noted since the last call at `now`, a reading taken after them.
  void date_moves(std::chrono::steady_clock::time_point now) noexcept;
  void take_back_timeout(registration& r, timeout_cause cause) noexcept;
  // Whether anything may have come due since `entered`, when the wait last read the clock.
  bool may_be_due(run_status status, std::chrono::steady_clock::time_point entered) const noexcept;
  void expire_due() noexcept;
  std::chrono::milliseconds until_first_due(
      std::chrono::milliseconds left, std::chrono::steady_clock::time_point now) const noexcept;

  static constexpr std::chrono::milliseconds first_accept_rest{50};
  static constexpr std::chrono::milliseconds longest_accept_rest{1000};
  // Detached registrations that, with no wait to run the backend, make remove let the
  // backend release them: what add/remove without waits can hold stays bounded.
  static constexpr std::size_t most_detached = 1024;

  std::mutex lock_;
  poller_core core_;
  std::optional<backend> backend_;
  std::atomic<std::size_t> live_{0};
  // Calls of wait under way, counted before they touch anything: the destructor's check.
  std::atomic<unsigned> waits_in_progress_{0};
  // Detached registrations the backend still refers to (registration::detached_next), off the
  // all-list.
  registration* detached_ = nullptr;
  std::size_t detached_count_ = 0;
  // Waits take turns: one holds the turn, the others wait on turn_free_ until it ends or
  // their own deadline passes (a timeout bounds the whole call).
  bool turn_taken_ = false;
  std::condition_variable turn_free_;
  // A wake that came with records: they were returned, so the next wait reports the wake.
  bool wake_kept_ = false;
  bool blocked_waiter_ = false;      // a wait is inside backend_->run
  registration* resting_ = nullptr;  // listeners resting (registration::resting_next)
  timer_queue timed_;
  registration* moved_ = nullptr;  // moved data since the last date_moves (moved_next)
};

// Held for the duration of a call on a socket, user event or timer: the lock of the poller it
// is registered with, or its own while it has none, so that the call and poller calls on
// other threads see its state whole.
class call_lock {
 public:
  explicit call_lock(owned_state& s) noexcept;
  ~call_lock();
  call_lock(const call_lock&) = delete;
  call_lock& operator=(const call_lock&) = delete;

 private:
  std::mutex* held_ = nullptr;
};

}  // namespace evsel::detail
