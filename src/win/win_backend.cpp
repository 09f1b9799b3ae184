// SPDX-License-Identifier: MIT
// evsel: the native Windows backend: WSAEventSelect, WSAWaitForMultipleEvents,
// WSAEnumNetworkEvents.
#include "win_backend.hpp"

#include <algorithm>
#include <new>

#include "../native_errors.hpp"
#include "win_registration.hpp"

namespace evsel::detail {

backend::backend(poller_core& core) : core_(core) {
  signal_event_ = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  if (signal_event_ == nullptr) {
    throw std::system_error(native_error(static_cast<int>(GetLastError())),
                            "evsel: CreateEvent for the poller");
  }
}

backend::~backend() {
  while (watch* w = free_watches_) {
    free_watches_ = w->next_free;
    CloseThreadpoolWait(w->waiter);  // stopped when it was freed
    WSACloseEvent(w->event);
    delete w;
  }
  CloseHandle(signal_event_);
}

registration* backend::make_registration() noexcept {
  return new (std::nothrow) win_registration;
}

std::error_code backend::attach(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  std::error_code ec = lend_watch(r);
  if (ec) return ec;
  if ((ec = select(r))) {
    give_back_watch(r);
    return ec;
  }
  SetThreadpoolWait(r.watched->waiter, r.watched->event, nullptr);
  ++attached_;
  synchronize(r);
  return {};
}

std::error_code backend::update(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  if (const std::error_code ec = select(r)) return ec;
  synchronize(r);
  return {};
}

void backend::detach(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  if (r.kind == source_kind::socket) {
    // Cancel the association before the socket can be closed and its handle value reused
    // (G13). What the kernel recorded stays with the socket, as on every backend.
    WSAEventSelect(r.socket->handle, nullptr, 0);
    stop_looking_at(r);
  }
  give_back_watch(r);  // a user event's handle belongs to the user_event
  --attached_;
}

run_status backend::run(std::chrono::milliseconds timeout,
                        std::error_code& ec,
                        std::unique_lock<std::mutex>& held) noexcept {
  DWORD wait_ms = INFINITE;
  if (timeout >= std::chrono::milliseconds::zero()) {
    wait_ms = timeout.count() >= static_cast<long long>(INFINITE)
                  ? INFINITE - 1
                  : static_cast<DWORD>(timeout.count());
  }
  // Looks go by the clock, not by wake-ups: under Wine 8.0 a WSAPoll on a registered
  // socket signals its event again (W9), which would otherwise bring the next look at once.
  const bool looking = looked_at_ != nullptr && lookable_listeners();
  if (looking) wait_ms = std::min(wait_ms, until_next_look());
  held.unlock();
  const DWORD result = WaitForSingleObject(signal_event_, wait_ms);
  held.lock();
  const bool found =
      looking && std::chrono::steady_clock::now() >= next_look_ && look_at_stuck_listeners();
  if (result == WAIT_TIMEOUT) return found ? run_status::progress : run_status::timeout;
  if (result != WAIT_OBJECT_0) {
    ec = native_error(static_cast<int>(GetLastError()));
    return run_status::timeout;
  }
  {
    std::lock_guard<std::mutex> hold(signalled_lock_);
    batch_.swap(signalled_);
    for (win_registration* r : batch_) r->signalled = false;
  }
  // Every socket signalled by now is in the batch, in the order it was signalled: one wait
  // takes all of them, so none starves behind a busy one (G14, C13).
  for (win_registration* r : batch_) {
    if (r->kind == source_kind::user_event) {
      if (core_.user_wait_needed(*r)) arm_user_wait(*r);
      continue;
    }
    enumerate(*r);
    SetThreadpoolWait(r->watched->waiter, r->watched->event, nullptr);
  }
  batch_.clear();
  return wake_pending_.exchange(false) ? run_status::woken : run_status::progress;
}

void backend::wake() noexcept {
  // Coalesced: a wake already pending will end the wait; a storm of wakes costs one
  // SetEvent (under Wine, one wineserver round trip) per wait, not one per call.
  if (!wake_pending_.exchange(true)) SetEvent(signal_event_);
}

void backend::nudge() noexcept {
  SetEvent(signal_event_);  // run then finds an empty batch and returns progress
}

void backend::after_recv(registration& base, const io_result& result) noexcept {
  auto& r = static_cast<win_registration&>(base);
  // The kernel records read again after a recv that leaves data, but evsel hears of it
  // through the thread pool, after the recv has returned (later still under Wine), so a
  // zero wait right after would miss it; and it re-enables FD_READ only on a normal recv,
  // never on the recv of the urgent byte (rule 1 wants read back after either). So look:
  // for free after a peek (the data is still there), with FIONREAD after the recv of the
  // urgent byte or one that filled the buffer. One that returned less than asked most
  // likely emptied the queue: looking there would cost every recv an ioctl (a wineserver
  // round trip under Wine) to find nothing, and data arriving later is new data, which the
  // kernel reports. UDP is left to the kernel: a datagram read is whole either way.
  if (r.socket->is_tcp() && !result.ec && result.bytes > 0) {
    const bool urgent = has_flag(result.flags, message_flags::oob);
    if (has_flag(result.flags, message_flags::peek) && !urgent) {
      core_.record(r, event::read);
    } else if (urgent || result.bytes == result.requested) {
      record_read_if_queued(r);
    }
  }
  record_close_if_due(r);
}

void backend::after_accept(registration& base, const io_result& result) noexcept {
  auto& r = static_cast<win_registration&>(base);
  socket_state& s = *r.socket;
  if (!result.ec) {
    s.accept_unanswered = false;
    stop_looking_at(r);
    // A connection still queued is recorded at once, as the kernel's own report reaches
    // evsel only later (see after_recv): one WSAPoll per accept, none for the last one of
    // an accept loop (it fails with would_block).
    (void)record_accept_if_queued(r);
    return;
  }
  // An accept that failed without taking a connection (one aborted meanwhile, an injected
  // failure that the OS never saw) leaves the others queued: accept was re-enabled, so
  // record it now. Not for would_block (nothing was queued) nor for a rest (record drops it).
  if (result.ec != errc::would_block) (void)record_accept_if_queued(r);
  // Accept was reported and the accept failed: nothing to take (a stale report), or no
  // descriptor for it. Windows re-enables accept on this call anyway; Wine 8.0 re-enables it
  // only on an accept that succeeds, so it never reports this listener again (W10). And
  // after a rest (engine::rest_accept) even Windows has nothing left to report: it reported
  // the still queued connection again right after the failure, while accept rested. So
  // look at the listener ourselves until an accept succeeds.
  if (s.accept_unanswered) start_looking_at(r);
}

void backend::after_transition(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  // After shutdown(receive) arriving data is taken off (see selection), and a change of
  // the OOB-inline mode changes whether the kernel is asked for oob.
  if (r.socket->receive_shut || selection(r) != r.selected) (void)select(r);
  synchronize(r);
}

}  // namespace evsel::detail
