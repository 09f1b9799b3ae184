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
  std::error_code remove(socket_state* s) noexcept;
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
  // The socket is about to be closed: stop reporting it (G13).
  void detach(registration& r) noexcept;

 private:
  registration* lookup(socket_state* s, std::error_code& ec) const noexcept;
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
};

// Held for the duration of a socket call: the lock of the poller the socket is registered
// with, or the socket's own while it has none, so that the call and poller calls on other
// threads see its state whole.
class socket_call_lock {
 public:
  explicit socket_call_lock(socket_state& s) noexcept;
  ~socket_call_lock();
  socket_call_lock(const socket_call_lock&) = delete;
  socket_call_lock& operator=(const socket_call_lock&) = delete;

 private:
  std::mutex* held_ = nullptr;
};

}  // namespace evsel::detail
