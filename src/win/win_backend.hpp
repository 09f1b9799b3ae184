// SPDX-License-Identifier: MIT
// evsel: the native Windows backend: WSAEventSelect, WSAWaitForMultipleEvents,
// WSAEnumNetworkEvents.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <system_error>
#include <vector>

#include "../backend_types.hpp"
#include "../poller_core.hpp"
#include "../registration.hpp"

namespace evsel::detail {

// One event object per socket (a shared one loses wake-ups, G11), each watched by a
// one-shot thread-pool wait, so there is no 64-handle limit and a wait costs what is ready,
// not what is registered (docs/architecture.md). The kernel keeps the model's record and disabled
// set; this backend normalizes what Windows does differently from the evsel contract: it cancels
// the selection accepted sockets inherit, holds close back while data is unread, tells a reset from
// an abort, drops oob for OOB-inline sockets, and reports connect failures the kernel never records
// (failed at once, or before connect was selected).
class backend {
 public:
  static constexpr const char* name = "win";

  explicit backend(poller_core& core);
  ~backend();
  backend(const backend&) = delete;
  backend& operator=(const backend&) = delete;

  registration* make_registration() noexcept;
  std::error_code attach(registration& r) noexcept;
  std::error_code update(registration& r) noexcept;
  void detach(registration& r) noexcept;
  bool released(const registration&) const noexcept { return true; }
  void release_detached() noexcept {}  // detach already waited out the watcher's callback
  run_status run(std::chrono::milliseconds timeout,
                 std::error_code& ec,
                 std::unique_lock<std::mutex>& held) noexcept;
  void wake() noexcept;
  void nudge() noexcept;

  void after_recv(registration& r, const io_result& result) noexcept;
  void after_send(registration&, const io_result&) noexcept {}  // the kernel re-records write
  void after_accept(registration& r, const io_result& result) noexcept;
  void after_transition(registration& r) noexcept;

  // User events: a thread-pool wait on the event's own handle (win_user_events.cpp).
  std::error_code attach_user(registration& r) noexcept;
  void rearm_user(registration& r) noexcept;

 private:
  struct win_registration;
  struct watch;

  // What WSAEventSelect is asked for, and asking it (win_conditions.cpp).
  static event selection(const win_registration& r) noexcept;
  std::error_code select(win_registration& r) noexcept;
  // What holds and what the kernel reported, recorded (win_conditions.cpp).
  void synchronize(win_registration& r) noexcept;
  void enumerate(win_registration& r) noexcept;
  void record_close_if_due(win_registration& r) noexcept;
  void record_what_holds(win_registration& r) noexcept;
  void record_read_if_queued(win_registration& r) noexcept;
  bool record_accept_if_queued(win_registration& r) noexcept;
  void arm_user_wait(win_registration& r) noexcept;
  // Event objects and their thread-pool waits (win_watches.cpp). A registration borrows a
  // pooled watch for its lifetime (lend_watch) and returns it on detach (give_back_watch).
  std::error_code lend_watch(win_registration& r) noexcept;
  void give_back_watch(win_registration& r) noexcept;
  void queue_signalled(watch& w) noexcept;
  watch* take_watch(std::error_code& ec) noexcept;
  void free_watch(watch& w) noexcept;
  std::error_code reserve_room(std::size_t sockets) noexcept;
  // Listeners Wine may have stopped reporting (wine_listener_looks.cpp).
  void start_looking_at(win_registration& r) noexcept;
  void stop_looking_at(win_registration& r) noexcept;
  bool lookable_listeners() const noexcept;
  unsigned long until_next_look() const noexcept;  // milliseconds, rounded up
  bool look_at_stuck_listeners() noexcept;

  static constexpr unsigned long min_look_interval = 1;  // milliseconds
  static constexpr unsigned long max_look_interval = 1024;

  poller_core& core_;
  void* signal_event_ = nullptr;  // auto-reset: set by wake() and by every queue_signalled
  std::atomic<bool> wake_pending_{false};
  std::mutex signalled_lock_;
  std::vector<win_registration*> signalled_;  // guarded by signalled_lock_
  std::vector<win_registration*> batch_;      // the waiting thread's copy, reused
  watch* free_watches_ = nullptr;             // see watch: kept, never closed, until the end
  std::size_t attached_ = 0;
  // Listeners Wine may have stopped reporting (W10), looked at every look_interval_ ms.
  win_registration* looked_at_ = nullptr;
  unsigned long look_interval_ = min_look_interval;
  std::chrono::steady_clock::time_point next_look_{};
};

}  // namespace evsel::detail
