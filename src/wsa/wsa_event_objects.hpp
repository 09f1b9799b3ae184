// SPDX-License-Identifier: MIT
// evsel-wsa: WSAEVENT objects. Manual-reset events that any number of threads may wait on
// at once, each wait over up to 64 of them (WSAWaitForMultipleEvents).
#pragma once

#include <condition_variable>
#include <memory>
#include <vector>

namespace evsel::wsa {

struct waiter;

// Guarded by the one event lock (wsa_events.cpp): a wait over several objects must see
// all of them at one moment, which is what makes a wait-all atomic.
struct event_object {
  bool signalled = false;
  std::vector<waiter*> waiters;  // the waits blocked on it now
};

// Signals an object (the pump's path: no handle look-up).
void signal(event_object& e) noexcept;
// Unsignals it (WSAEnumNetworkEvents' reset).
void unsignal(event_object& e) noexcept;
// The object behind a WSAEVENT, or null for a handle that is not (or no longer) open.
std::shared_ptr<event_object> find_event(void* handle) noexcept;

}  // namespace evsel::wsa
