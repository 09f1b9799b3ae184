// SPDX-License-Identifier: MIT
// evsel: the POSIX backend: WSAEventSelect's state model on Boost.Asio's reactor.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <system_error>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <poll.h>

#include "../backend_types.hpp"
#include "../poller_core.hpp"
#include "../registration.hpp"
#include "posix_probes.hpp"

namespace evsel::detail {

enum class input_state : std::uint8_t;
enum class urgent_state : std::uint8_t;

// Asio tells when a socket becomes readable, writable or has urgent data (async_wait on a
// posix::stream_descriptor); this backend turns that into FD_* records by looking at the
// socket (poll, MSG_PEEK) and applying the state model of docs/semantics.md. It waits only
// for what could still be recorded, so a condition that holds but is disabled (delivered,
// not re-enabled) never makes a wait complete over and over.
//
// Its files: asio_backend.cpp (the seam: attach, detach, the re-enabling hooks),
// asio_reactor.cpp (run, wake, the waits and their handlers), asio_conditions.cpp (what a
// look at a socket finds, recorded), asio_read_path.cpp (the input state and the deferred
// read waits of connections), asio_user_events.cpp (the waits on user events' signals).
class backend {
 public:
  static constexpr const char* name = "asio";

  explicit backend(poller_core& core);
  ~backend();
  backend(const backend&) = delete;
  backend& operator=(const backend&) = delete;

  registration* make_registration() noexcept;
  std::error_code attach(registration& r) noexcept;
  std::error_code update(registration& r) noexcept;
  void detach(registration& r) noexcept;
  bool released(const registration& r) const noexcept;
  void release_detached() noexcept;
  run_status run(std::chrono::milliseconds timeout,
                 std::error_code& ec,
                 std::unique_lock<std::mutex>& held) noexcept;
  void wake() noexcept;
  void nudge() noexcept;

  void after_recv(registration& r, const io_result& result) noexcept;
  void after_send(registration& r, const io_result& result) noexcept;
  void after_accept(registration& r, const io_result& result) noexcept;
  void after_transition(registration& r) noexcept;

  // User events: a read wait on the event's eventfd or pipe (asio_user_events.cpp).
  std::error_code attach_user(registration& r) noexcept;
  void rearm_user(registration& r) noexcept;

 private:
  struct asio_registration;
  enum wait_kind : unsigned { wait_read, wait_write, wait_urgent, wait_kinds };
  // Why a socket is looked at: a call (add, modify, a re-enabling call), or the reactor,
  // which means something changed, so the look finds out what whatever is selected.
  enum class look_origin : std::uint8_t { call, reactor };

  // What a look finds, recorded (asio_conditions.cpp).
  void evaluate(asio_registration& r, event scope, look_origin origin) noexcept;
  void evaluate_stream(asio_registration& r, event wanted, look_origin origin) noexcept;
  void evaluate_datagram(asio_registration& r, event wanted) noexcept;
  void probe_stream_input(asio_registration& r) noexcept;
  void record_close_if_due(asio_registration& r) noexcept;
  // The waits and their handlers (asio_reactor.cpp).
  void rearm(asio_registration& r) noexcept;
  void start_wait(asio_registration& r, wait_kind kind) noexcept;
  void on_ready(asio_registration& r, wait_kind kind, bool aborted) noexcept;
  std::unique_lock<std::mutex> handler_lock() noexcept;
  // A block longer than Asio's run_one_for takes in one go (see run_one_long).
  static constexpr std::chrono::milliseconds longest_plain_block{1000};
  std::size_t run_one_long(std::chrono::milliseconds timeout);
  void start_user_wait(asio_registration& r) noexcept;
  void on_user_ready(asio_registration& r, bool aborted) noexcept;
  // The input state and the look list (asio_read_path.cpp).
  static void move_input(asio_registration& r, input_state to) noexcept;
  static void move_urgent(asio_registration& r, urgent_state to) noexcept;
  void plan_read_wait(asio_registration& r) noexcept;
  // A run blocks in the reactor, and this call comes from another thread.
  bool blocks_elsewhere() const noexcept {
    return blocked_run_ != std::thread::id{} && blocked_run_ != std::this_thread::get_id();
  }
  void forgo_read_wait(asio_registration& r) noexcept;
  void list_for_look(asio_registration& r, input_state why) noexcept;
  void look_at_listed() noexcept;
  void look_then_arm(asio_registration& r, posix::input_hint hint) noexcept;
  void unlist_detached() noexcept;

  poller_core& core_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
  // Connections to look at in the next run (see list_for_look).
  asio_registration* listed_head_ = nullptr;
  asio_registration* listed_tail_ = nullptr;
  // Room for every registration, reserved by attach, so that a run never allocates.
  std::vector<asio_registration*> looked_at_;
  std::vector<pollfd> looks_;
  std::size_t attached_ = 0;
  boost::asio::steady_timer long_block_{io_};
  unsigned long_block_ends_ = 0;   // handlers of long_block_ run, aborted or expired
  bool long_block_armed_ = false;  // its wait is on, until long_block_until_
  std::chrono::steady_clock::time_point long_block_until_{};
  std::atomic<bool> wake_pending_{false};
  bool nudge_pending_ = false;  // guarded by the engine's lock
  bool woken_ = false;          // a wake handler ran: the next run reports it
  // Guarded by the engine's lock: the thread of a run that has let go of it to block in the
  // reactor (none otherwise). A call on another thread then arms a connection's read wait
  // instead of listing it for a look that would wait for something else to end the block
  // (see plan_read_wait); the run's own handlers list as usual, for its closing look.
  std::thread::id blocked_run_{};
  // release_detached runs handlers on a thread that holds the engine's lock already.
  bool lock_held_ = false;
  // The engine's lock while run() lets go of it: handlers take it for their turn.
  std::mutex* engine_lock_ = nullptr;
};

}  // namespace evsel::detail
