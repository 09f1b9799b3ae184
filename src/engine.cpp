// SPDX-License-Identifier: MIT
// evsel: the backend-neutral poller: argument checks and registrations (the wait loop is in
// wait_loop.cpp, accept rests in accept_rest.cpp).
#include "engine.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <evsel/error.hpp>

#include "intrusive_list.hpp"
#include "misuse.hpp"
#include "os.hpp"

namespace evsel::detail {
namespace {

bool valid_mask(event mask) noexcept {
  return (static_cast<std::uint32_t>(mask) & ~static_cast<std::uint32_t>(all_events)) == 0;
}

// UDP sockets are always bound, so that write is recorded once at registration on every
// backend (Windows records nothing for an unbound socket, Wine does: C08).
std::error_code ensure_bound(const socket_state& s) noexcept {
  if (s.is_tcp()) return {};
  std::error_code ec;
  const endpoint local = os::local_endpoint(s.handle, ec);
  if (!ec && local.port() != 0) return {};
  return os::bind(s.handle, endpoint::any(s.family, 0));
}

}  // namespace

engine::engine() {
  if (const std::error_code ec = os::startup()) {
    throw std::system_error(ec, "evsel: socket layer start-up");
  }
  backend_.emplace(core_);
}

engine::~engine() {
  // Going on would free the backend under the waiting thread (a use-after-free in Asio's
  // reactor, a closed handle on Windows): the misuse is stopped here, where it happens.
  if (waits_in_progress_.load(std::memory_order_acquire) != 0) {
    std::fputs(
        "evsel: a poller was destroyed while another thread was inside poller::wait on it; "
        "wake() that thread and let its wait return before destroying the poller\n",
        stderr);
    std::fflush(stderr);
    std::abort();
  }
  const std::lock_guard<std::mutex> hold(lock_);
  while (registration* r = core_.first()) {
    if (!r->detached()) detach_source(*r);
    core_.unlink(*r);
    // Backend parts of a registration (an Asio descriptor) must go before the backend;
    // handlers still pending in it are destroyed with it, never run.
    delete r;
  }
  while (registration* r = detached_) {
    detached_ = r->detached_next;
    delete r;
  }
  backend_.reset();
}

registration* engine::lookup(owned_state* s, std::error_code& ec) const noexcept {
  if (s == nullptr) {
    ec = make_error_code(errc::not_a_socket);
    return nullptr;
  }
  if (s->owner.load(std::memory_order_acquire) != this) {
    ec = make_error_code(errc::not_registered);
    return nullptr;
  }
  return s->reg;
}

std::error_code engine::add(socket_state* s, event mask, void* context) noexcept {
  if (s == nullptr) return make_error_code(errc::not_a_socket);
  if (!valid_mask(mask)) return make_error_code(misuse::event_mask);
  const std::lock_guard<std::mutex> hold(lock_);
  const std::lock_guard<std::mutex> no_socket_call(s->unowned_lock);
  if (s->owner.load(std::memory_order_acquire) != nullptr) {
    return make_error_code(errc::already_registered);
  }
  if (std::error_code ec = ensure_bound(*s)) return ec;
  // Room for the socket's deadline and idle check, so that setting them later cannot fail
  // for memory inside the wait.
  if (timed_.reserve(2)) return make_error_code(errc::no_buffer_space);
  std::error_code ec;
  registration* r = claim(*s, backend_->make_registration(), ec);
  if (r == nullptr) {
    timed_.release(2);
    return ec;
  }
  r->kind = source_kind::socket;
  r->socket = s;
  r->context = context;
  r->mask = mask;
  if ((ec = backend_->attach(*r))) {
    // Nothing half-made stays behind: the socket is as if add had never been called.
    unclaim(*s, r);
    timed_.release(2);
    return ec;
  }
  // Events recorded under an earlier registration and never returned come back now.
  core_.requeue(*r);
  notify_waiter();
  return {};
}

std::error_code engine::modify(socket_state* s, event mask, std::optional<void*> context) noexcept {
  std::error_code ec;
  const std::lock_guard<std::mutex> hold(lock_);
  registration* r = lookup(s, ec);
  if (r == nullptr) return ec;
  if (!valid_mask(mask)) return make_error_code(misuse::event_mask);
  const event old_mask = r->mask;
  r->mask = mask;
  if ((ec = backend_->update(*r))) {
    r->mask = old_mask;
    return ec;
  }
  if (context) r->context = *context;
  // Bits recorded while outside the mask come back when it widens again (C15, C50).
  core_.requeue(*r);
  notify_waiter();
  return {};
}

std::error_code engine::remove(owned_state* s) noexcept {
  std::error_code ec;
  const std::lock_guard<std::mutex> hold(lock_);
  registration* r = lookup(s, ec);
  if (r == nullptr) return ec;
  detach(*r);
  return {};
}

void engine::detach(registration& r) noexcept {
  core_.unqueue(r);
  detach_source(r);
  live_.fetch_sub(1, std::memory_order_relaxed);
  core_.unlink(r);
  // A timer never reached the backend.
  if (r.kind == source_kind::timer || backend_->released(r)) {
    delete &r;
    return;
  }
  // Freed by free_released once the backend lets go of it. On a list of its own, so that the
  // next wait walks what was removed, not everything registered.
  push_front(detached_, r, &registration::detached_next);
  ++detached_count_;
  // Without a wait nothing runs the backend: a long run of removes would hold every
  // registration (and Asio's cancelled waits) until the next wait. While no wait has the
  // turn, nothing else runs it either, so this thread may.
  if (detached_count_ >= most_detached && !turn_taken_) {
    backend_->release_detached();
    free_released();
  }
}

void engine::detach_source(registration& r) noexcept {
  timed_.cancel(r.expiry);
  timed_.cancel(r.idle_check);
  if (r.moved) {
    (r.moved_prev != nullptr ? r.moved_prev->moved_next : moved_) = r.moved_next;
    if (r.moved_next != nullptr) r.moved_next->moved_prev = r.moved_prev;
    r.moved_prev = r.moved_next = nullptr;
    r.moved = false;
  }
  switch (r.kind) {
    case source_kind::socket:
      end_rest(r);
      backend_->detach(r);
      // A deadline belongs to the registration: its timeout does not outlive it (the
      // socket's other records do, G3).
      r.socket->recorded = without(r.socket->recorded, event::timeout);
      timed_.release(2);
      break;
    case source_kind::user_event:
      backend_->detach(r);
      break;
    case source_kind::timer:
      timed_.release(1);
      break;
  }
  owned_state& s = *r.source();
  s.reg = nullptr;
  s.owner.store(nullptr, std::memory_order_release);
  r.socket = nullptr;
  r.user = nullptr;
  r.timer = nullptr;
}

std::size_t engine::held() noexcept {
  const std::lock_guard<std::mutex> hold(lock_);
  std::size_t count = detached_count_;
  for (const registration* r = core_.first(); r != nullptr; r = r->all_next) ++count;
  return count;
}

void engine::free_released() noexcept {
  for (registration** link = &detached_; *link != nullptr;) {
    registration* const r = *link;
    if (backend_->released(*r)) {
      *link = r->detached_next;
      --detached_count_;
      delete r;
    } else {
      link = &r->detached_next;
    }
  }
}

void engine::on_recv(registration& r, const io_result& result) noexcept {
  if (result.bytes != 0) note_data_moved(r);
  backend_->after_recv(r, result);
  notify_waiter();
}

void engine::on_send(registration& r, const io_result& result) noexcept {
  if (result.bytes != 0) note_data_moved(r);
  if (result.ec && result.ec == errc::would_block) backend_->after_send(r, result);
}

void engine::on_transition(registration& r) noexcept {
  backend_->after_transition(r);
  notify_waiter();
}

}  // namespace evsel::detail
