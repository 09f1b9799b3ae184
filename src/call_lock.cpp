// SPDX-License-Identifier: MIT
// evsel: the lock a call on a socket, user event or timer holds: its poller's, or its own.
#include "engine.hpp"

namespace evsel::detail {

call_lock::call_lock(owned_state& s) noexcept {
  // The socket may be added or removed while this thread waits for a lock: what counts is
  // who owns it once the lock is held. Never two locks at once, so no order to get wrong.
  for (;;) {
    engine* const owner = s.owner.load(std::memory_order_acquire);
    std::mutex& lock = owner != nullptr ? owner->lock() : s.unowned_lock;
    lock.lock();
    if (s.owner.load(std::memory_order_acquire) == owner) {
      held_ = &lock;
      return;
    }
    lock.unlock();
  }
}

call_lock::~call_lock() {
  if (held_ != nullptr) held_->unlock();
}

}  // namespace evsel::detail
