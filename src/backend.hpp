// SPDX-License-Identifier: MIT
// evsel: the seam between the common poller code and the one backend compiled in.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <system_error>
#include <type_traits>
#include <utility>

#include "backend_types.hpp"
#include "poller_core.hpp"
#include "registration.hpp"
#include "socket_state.hpp"

// Where to start reading evsel's sources (docs/architecture.md starts here too).
//
// The common code (src/*.cpp) keeps the state model of docs/semantics.md once for every
// platform: argument checks and registrations (engine.cpp), the wait loop (wait_loop.cpp),
// the record R, the disabled set D and the ready list (poller_core.cpp), what a socket never
// records (registration.hpp), the re-enabling calls (socket.cpp), how a connection's stage and
// end are learnt (socket_state.cpp), and accept under descriptor exhaustion (accept_rest.cpp).
// The scenario ids in comments (C01, G12, W10...) are defined in docs/scenarios.md.
//
// A backend meets the common code at four seams, and only there:
//   1. The `backend` class below: turns OS notifications into records.
//   2. os.hpp: the thin OS calls (open, recv, send, FIONREAD, connection_queued,
//      discard_input...), each backend's *_socket_ops.cpp.
//   3. native_errors.hpp: how the OS's error codes compare with evsel::errc.
//   4. The include path: CMake puts the chosen backend's directory (src/win or src/posix) on
//      the private include path, so "selected_backend.hpp" names it without any #if.
// A backend calls back into the common code through poller_core (record, record_failed_connect,
// record_close_if_due, requeue, user_wait_needed), registration::recordable(), and the socket_state
// functions refresh_connect, settle_connect and note_connection_lost. Nothing else.
namespace evsel::detail {

// The backend contract. Exactly one class named `backend` is compiled in. It provides:
//
//   explicit backend(poller_core& core);        throws std::system_error on OS failure
//   registration* make_registration() noexcept; a backend-derived registration, or null
//   std::error_code attach(registration& r) noexcept;
//       r.socket and r.mask are set. Starts OS reporting and records every condition that
//       already holds for bits in r.recordable() (G1). On error nothing stays attached.
//   std::error_code update(registration& r) noexcept;
//       r.mask changed; record conditions that hold for newly enabled bits (G1), never
//       re-deliver a disabled bit (G2).
//   void detach(registration& r) noexcept;
//       Stops OS reporting before the socket may be closed (G13). r.socket is still set.
//   bool released(const registration& r) const noexcept;
//       True once nothing in the backend refers to r any more, so it may be freed.
//   void release_detached() noexcept;
//       Without blocking, lets go of what still refers to detached registrations (runs
//       Asio's cancelled waits), so that they become released. Called while no wait runs.
//   run_status run(std::chrono::milliseconds timeout, std::error_code& ec,
//                  std::unique_lock<std::mutex>& held) noexcept;
//       Blocks up to timeout (negative: forever) for OS notifications, records what they
//       mean through poller_core, then takes every other notification already pending
//       without blocking. Returns woken if wake() was called. `held` is the engine's lock,
//       held on entry and on return: run lets go of it while it blocks, so that other
//       threads can add, modify and remove meanwhile, and holds it whenever it touches a
//       registration or the core.
//   void wake() noexcept;                        any thread, no lock; coalesced; never lost
//   void nudge() noexcept;
//       With the engine's lock held, while another thread blocks in run: makes that run
//       return (progress, not woken), because another thread recorded something. Coalesced.
//   The re-enabling hooks, called with the engine's lock held after the common code updated
//   R and D (socket.cpp):
//   void after_recv(registration& r, const io_result& result) noexcept;
//   void after_send(registration& r, const io_result& result) noexcept;   send would block
//   void after_accept(registration& r, const io_result& result) noexcept;
//   void after_transition(registration& r) noexcept;  connect, listen, shutdown, OOB-inline
//   User events (r.kind == source_kind::user_event; detach and released serve them too):
//   std::error_code attach_user(registration& r) noexcept;
//       Starts waiting on r.user->signal.waitable. Whenever it is ready, and here at once,
//       the backend calls poller_core::user_wait_needed(r), which records user if the event
//       is set, and waits again only if that returns true.
//   void rearm_user(registration& r) noexcept;   after reset(): the same, unless a wait is on
//   Timers and deadlines never reach a backend: the engine keeps them (timer_queue.hpp) and
//   bounds each run's timeout by the first one due.
//   Every other call comes with the engine's lock held too.
//
// Every backend honours the same rules (docs/semantics.md): read, oob and accept are
// recorded again after their re-enabling call while the condition holds; write is recorded
// once when connected and then only after a send that would block; connect and close once;
// close only when no unread data is left (poller_core::record_close_if_due); nothing a socket
// never records (never_recorded). The conformance suite checks each backend against them.
class backend;

}  // namespace evsel::detail

#include "selected_backend.hpp"

namespace evsel::detail::contract {

// Each check names the member a backend lacks, or whose signature differs, in the compiler's
// message, instead of an error deep inside engine.cpp.
template <class B, class = void>
struct makes_registrations : std::false_type {};
template <class B>
struct makes_registrations<B, std::void_t<decltype(std::declval<B&>().make_registration())>>
    : std::is_same<decltype(std::declval<B&>().make_registration()), registration*> {};

template <class B, class = void>
struct attaches : std::false_type {};
template <class B>
struct attaches<B,
                std::void_t<decltype(std::declval<B&>().attach(std::declval<registration&>())),
                            decltype(std::declval<B&>().update(std::declval<registration&>())),
                            decltype(std::declval<B&>().detach(std::declval<registration&>()))>>
    : std::bool_constant<
          std::is_same_v<decltype(std::declval<B&>().attach(std::declval<registration&>())),
                         std::error_code> &&
          std::is_same_v<decltype(std::declval<B&>().update(std::declval<registration&>())),
                         std::error_code>> {};

template <class B, class = void>
struct releases : std::false_type {};
template <class B>
struct releases<
    B,
    std::void_t<decltype(std::declval<const B&>().released(std::declval<const registration&>())),
                decltype(std::declval<B&>().release_detached())>>
    : std::is_same<decltype(std::declval<const B&>().released(std::declval<const registration&>())),
                   bool> {};

template <class B, class = void>
struct runs : std::false_type {};
template <class B>
struct runs<
    B,
    std::void_t<decltype(std::declval<B&>().run(std::declval<std::chrono::milliseconds>(),
                                                std::declval<std::error_code&>(),
                                                std::declval<std::unique_lock<std::mutex>&>())),
                decltype(std::declval<B&>().wake()),
                decltype(std::declval<B&>().nudge())>>
    : std::is_same<decltype(std::declval<B&>().run(std::declval<std::chrono::milliseconds>(),
                                                   std::declval<std::error_code&>(),
                                                   std::declval<std::unique_lock<std::mutex>&>())),
                   run_status> {};

template <class B, class = void>
struct has_hooks : std::false_type {};
template <class B>
struct has_hooks<
    B,
    std::void_t<decltype(std::declval<B&>().after_recv(std::declval<registration&>(),
                                                       std::declval<const io_result&>())),
                decltype(std::declval<B&>().after_send(std::declval<registration&>(),
                                                       std::declval<const io_result&>())),
                decltype(std::declval<B&>().after_accept(std::declval<registration&>(),
                                                         std::declval<const io_result&>())),
                decltype(std::declval<B&>().after_transition(std::declval<registration&>()))>>
    : std::true_type {};

static_assert(std::is_constructible_v<backend, poller_core&>,
              "evsel backend: needs `explicit backend(poller_core&)`");
static_assert(!std::is_copy_constructible_v<backend>,
              "evsel backend: must not be copyable (it owns OS handles)");
static_assert(makes_registrations<backend>::value,
              "evsel backend: needs `registration* make_registration() noexcept`");
static_assert(attaches<backend>::value,
              "evsel backend: needs `std::error_code attach(registration&)`, "
              "`std::error_code update(registration&)` and `void detach(registration&)`");
static_assert(releases<backend>::value,
              "evsel backend: needs `bool released(const registration&) const` and "
              "`void release_detached()`");
static_assert(runs<backend>::value,
              "evsel backend: needs `run_status run(std::chrono::milliseconds, "
              "std::error_code&, std::unique_lock<std::mutex>&)`, `wake()` and `nudge()`");
static_assert(has_hooks<backend>::value,
              "evsel backend: needs the re-enabling hooks after_recv, after_send, after_accept "
              "(registration&, const io_result&) and after_transition(registration&)");
template <class B, class = void>
struct watches_user_events : std::false_type {};
template <class B>
struct watches_user_events<
    B,
    std::void_t<decltype(std::declval<B&>().attach_user(std::declval<registration&>())),
                decltype(std::declval<B&>().rearm_user(std::declval<registration&>()))>>
    : std::is_same<decltype(std::declval<B&>().attach_user(std::declval<registration&>())),
                   std::error_code> {};

static_assert(watches_user_events<backend>::value,
              "evsel backend: needs `std::error_code attach_user(registration&)` and "
              "`void rearm_user(registration&)` for user events");
static_assert(std::is_convertible_v<decltype(backend::name), const char*>,
              "evsel backend: needs `static constexpr const char* name`");

}  // namespace evsel::detail::contract
