// SPDX-License-Identifier: MIT
// evsel: the native backend's event objects and thread-pool waits, and the list of sockets
// whose event was set.
#include <algorithm>
#include <mutex>
#include <new>

#include "../native_errors.hpp"
#include "win_registration.hpp"

namespace evsel::detail {

backend::watch* backend::take_watch(std::error_code& ec) noexcept {
  if (watch* w = free_watches_) {
    free_watches_ = w->next_free;
    return w;
  }
  auto* w = new (std::nothrow) watch;
  if (w == nullptr) {
    ec = make_error_code(std::errc::not_enough_memory);
    return nullptr;
  }
  w->home = this;
  w->event = WSACreateEvent();
  if (w->event == WSA_INVALID_EVENT) {
    ec = last_socket_error();
    delete w;
    return nullptr;
  }
  w->waiter = CreateThreadpoolWait(&watch::on_signalled, w, nullptr);
  if (w->waiter == nullptr) {
    ec = native_error(static_cast<int>(GetLastError()));
    WSACloseEvent(w->event);
    delete w;
    return nullptr;
  }
  return w;
}

void backend::free_watch(watch& w) noexcept {
  // Stop the wait and wait out a callback already running; one that Wine starts later finds
  // no owner (see watch).
  SetThreadpoolWait(w.waiter, nullptr, nullptr);
  WaitForThreadpoolWaitCallbacks(w.waiter, TRUE);
  {
    std::lock_guard<std::mutex> hold(signalled_lock_);
    w.owner = nullptr;
  }
  WSAResetEvent(w.event);
  w.next_free = free_watches_;
  free_watches_ = &w;
}

std::error_code backend::lend_watch(win_registration& r) noexcept {
  if (const std::error_code ec = reserve_room(attached_ + 1)) return ec;
  std::error_code ec;
  r.watched = take_watch(ec);
  if (r.watched == nullptr) return ec;
  std::lock_guard<std::mutex> hold(signalled_lock_);
  r.watched->owner = &r;
  return {};
}

void backend::give_back_watch(win_registration& r) noexcept {
  // After free_watch no callback queues r again; one queued already is taken off.
  free_watch(*r.watched);
  r.watched = nullptr;
  std::lock_guard<std::mutex> hold(signalled_lock_);
  if (r.signalled) {
    signalled_.erase(std::find(signalled_.begin(), signalled_.end(), &r));
    r.signalled = false;
  }
}

std::error_code backend::reserve_room(std::size_t sockets) noexcept {
  // The lists swap on every wait, so both need room for every socket; the callbacks then
  // never allocate and can never fail to queue a socket.
  std::lock_guard<std::mutex> hold(signalled_lock_);
  try {
    signalled_.reserve(sockets);
    batch_.reserve(sockets);
  } catch (const std::bad_alloc&) {
    return make_error_code(std::errc::not_enough_memory);
  }
  return {};
}

void backend::queue_signalled(watch& w) noexcept {
  {
    std::lock_guard<std::mutex> hold(signalled_lock_);
    win_registration* const owner = w.owner;
    if (owner == nullptr) return;
    win_registration& r = *owner;
    if (!r.signalled) {
      signalled_.push_back(&r);  // never allocates: attach reserved room for every socket
      r.signalled = true;
    }
  }
  SetEvent(signal_event_);
}

}  // namespace evsel::detail
