// SPDX-License-Identifier: MIT
// evsel: what every registrable object (socket, user event, timer) keeps about its poller.
#pragma once

#include <atomic>
#include <mutex>

namespace evsel::detail {

struct registration;
class engine;

// Heap-allocated with the object it belongs to, so that moving the public object never
// invalidates a registration's pointer to it.
struct owned_state {
  // The poller it is registered with. Written under that poller's lock; read without it by
  // the object's own calls, which then take that lock (call_lock).
  std::atomic<engine*> owner{nullptr};
  // Taken by the object's calls while it has no owner, and by add around the moment it
  // gets one (always after the poller's lock), so that no call overlaps an add.
  std::mutex unowned_lock;
  registration* reg = nullptr;  // guarded by the owner's lock
};

}  // namespace evsel::detail
