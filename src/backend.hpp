// SPDX-License-Identifier: MIT
// evsel: the seam between the common poller code and the one backend compiled in.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <system_error>

#include "poller_core.hpp"
#include "registration.hpp"
#include "socket_state.hpp"

namespace evsel::detail {

// What a re-enabling call did, passed to the backend right after the OS call.
struct io_result {
  std::size_t bytes = 0;      // bytes transferred (recv/send), 0 for accept
  std::size_t requested = 0;  // the buffer size the caller offered
  message_flags flags = message_flags::none;
  std::error_code ec;  // the call's error, if any
};

enum class run_status { timeout, progress, woken };

// The backend contract. Exactly one class named `backend` is compiled in; CMake puts its
// directory (src/win or src/posix) on the private include path, so "selected_backend.hpp"
// names it without any #if here. It provides:
//
//   explicit backend(poller_core& core);        throws std::system_error on OS failure
//   registration* make_registration() noexcept; a backend-derived registration, or null
//   std::error_code attach(registration& r) noexcept;
//       r.socket and r.mask are set. Starts OS reporting and records every condition that
//       already holds for bits in mask & ~disabled (G1). On error nothing stays attached.
//   std::error_code update(registration& r) noexcept;
//       r.mask changed; record conditions that hold for newly enabled bits (G1), never
//       re-deliver a disabled bit (G2).
//   void detach(registration& r) noexcept;
//       Stops OS reporting before the socket may be closed (G13). r.socket is still set.
//   bool idle(const registration& r) const noexcept;
//       True once nothing in the backend refers to r any more, so it may be freed.
//   void release_detached() noexcept;
//       Without blocking, lets go of what still refers to detached registrations (runs
//       Asio's cancelled waits), so that they become idle. Called while no wait is in run.
//   run_status run(std::chrono::milliseconds timeout, std::error_code& ec,
//                  std::unique_lock<std::mutex>& held) noexcept;
//       Blocks up to timeout (negative: forever) for OS notifications, records what they
//       mean through poller_core::record, then takes every other notification already
//       pending without blocking. Returns woken if wake() was called. `held` is the
//       engine's lock, held on entry and on return: run lets go of it while it blocks, so
//       that other threads can add, modify and remove meanwhile, and holds it whenever it
//       touches a registration or the core.
//   void wake() noexcept;                        any thread, no lock; coalesced; never lost
//   void nudge() noexcept;
//       With the engine's lock held, while another thread blocks in run: makes that run
//       return (progress, not woken), because another thread recorded something. Coalesced.
//   Every other call comes with the engine's lock held.
//   The re-enabling hooks, called after the common code updated R and D:
//   void after_recv(registration& r, const io_result& result) noexcept;
//   void after_send(registration& r, const io_result& result) noexcept;
//   void after_accept(registration& r, const io_result& result) noexcept;
//   void after_transition(registration& r) noexcept;  connect started, listen, shutdown
//
// Every backend honours the same rules (docs/semantics.md): read, oob and accept are
// recorded again after their re-enabling call while the condition holds; write is recorded
// once when connected and then only after a send that would block; connect and close once;
// close only when no unread data is left; nothing for UDP but read and write.
class backend;

}  // namespace evsel::detail

#include "selected_backend.hpp"
