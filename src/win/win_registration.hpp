// SPDX-License-Identifier: MIT
// evsel: what the native backend keeps per socket: its registration and the event object and
// thread-pool wait that watch it.
#pragma once

#include "win_backend.hpp"
#include "winsock.hpp"

namespace evsel::detail {

// An event object and the thread-pool wait that watches it. Both are kept for the next
// registration when a socket leaves, never closed while the poller lives: Wine's wait thread
// goes on waiting on a handle for a while after its wait was stopped and closed, and a
// handle value closed meanwhile and given to a new socket was then lost to that socket
// (WSAENOTSOCK on live sockets with several pollers in several threads, W13). A reused pair
// also spares two kernel objects (two wineserver round trips under Wine) per connection.
struct backend::watch {
  backend* home = nullptr;
  WSAEVENT event = WSA_INVALID_EVENT;
  // Fires once when event is set; the waiting thread arms it again after it has asked the
  // kernel what happened (which resets event), so a signalled socket is queued only once.
  PTP_WAIT waiter = nullptr;
  // The registration it serves, or null while it is free; guarded by home->signalled_lock_,
  // so that a callback that comes late (Wine can start one after the wait was stopped and
  // waited out) queues nobody, or the new owner, whose enumeration then finds nothing.
  win_registration* owner = nullptr;
  watch* next_free = nullptr;

  static VOID CALLBACK on_signalled(PTP_CALLBACK_INSTANCE, PVOID self, PTP_WAIT, TP_WAIT_RESULT) {
    auto& w = *static_cast<watch*>(self);
    w.home->queue_signalled(w);
  }
};

struct backend::win_registration final : registration {
  watch* watched = nullptr;
  event selected = event::none;  // what the last WSAEventSelect asked the kernel for
  bool signalled = false;        // in home->signalled_; guarded by home->signalled_lock_
  // Listener in home->looked_at_: see look_at_stuck_listeners.
  bool looked_at = false;
  win_registration* next_looked_at = nullptr;
};

}  // namespace evsel::detail
