// SPDX-License-Identifier: MIT
// evsel: the backend-neutral poller: argument checks, registrations, the wait loop.
#include "engine.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

#include <evsel/error.hpp>

#include "intrusive_list.hpp"
#include "misuse.hpp"
#include "os.hpp"

namespace evsel::detail {
namespace {

bool valid_mask(event mask) noexcept {
  return (static_cast<std::uint32_t>(mask) & ~static_cast<std::uint32_t>(all_events)) == 0;
}

// The errors that mean "no descriptor or memory for a new connection now": the queued
// connection stays, so reporting accept again at once would only fail again.
bool out_of_descriptors(const std::error_code& ec) noexcept {
  return ec == errc::too_many_files_open || ec == errc::no_buffer_space;
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
    if (r->socket != nullptr) {
      backend_->detach(*r);
      r->socket->reg = nullptr;
      r->socket->owner.store(nullptr, std::memory_order_release);
      r->socket = nullptr;
    }
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

registration* engine::lookup(socket_state* s, std::error_code& ec) const noexcept {
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
  // Claimed before anything else, so that two pollers cannot both take the socket.
  engine* expected = nullptr;
  if (!s->owner.compare_exchange_strong(expected, this, std::memory_order_acq_rel)) {
    return make_error_code(errc::already_registered);
  }
  auto release = [s] { s->owner.store(nullptr, std::memory_order_release); };
  if (std::error_code ec = ensure_bound(*s)) {
    release();
    return ec;
  }

  registration* r = backend_->make_registration();
  if (r == nullptr) {
    release();
    return make_error_code(errc::no_buffer_space);
  }
  r->owner = this;
  r->socket = s;
  r->context = context;
  r->mask = mask;
  core_.link(*r);
  s->reg = r;
  if (std::error_code ec = backend_->attach(*r)) {
    // Nothing half-made stays behind: the socket is as if add had never been called.
    core_.unlink(*r);
    s->reg = nullptr;
    delete r;
    release();
    return ec;
  }
  live_.fetch_add(1, std::memory_order_relaxed);
  // Events recorded under an earlier registration and never returned come back now.
  core_.requeue(*r);
  notify_waiter();
  return {};
}

std::error_code engine::modify(socket_state* s,
                               event mask,
                               bool set_context,
                               void* context) noexcept {
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
  if (set_context) r->context = context;
  // Bits recorded while outside the mask come back when it widens again (C15, C50).
  core_.requeue(*r);
  notify_waiter();
  return {};
}

std::error_code engine::remove(socket_state* s) noexcept {
  std::error_code ec;
  const std::lock_guard<std::mutex> hold(lock_);
  registration* r = lookup(s, ec);
  if (r == nullptr) return ec;
  detach(*r);
  return {};
}

void engine::detach(registration& r) noexcept {
  core_.unqueue(r);
  end_rest(r);
  backend_->detach(r);
  r.socket->reg = nullptr;
  r.socket->owner.store(nullptr, std::memory_order_release);
  r.socket = nullptr;
  live_.fetch_sub(1, std::memory_order_relaxed);
  core_.unlink(r);
  if (backend_->idle(r)) {
    delete &r;
    return;
  }
  // Freed by free_idle once the backend lets go of it. On a list of its own, so that the
  // next wait walks what was removed, not everything registered.
  push_front(detached_, r, &registration::detached_next);
  ++detached_count_;
  // Without a wait nothing runs the backend: a long run of removes would hold every
  // registration (and Asio's cancelled waits) until the next wait. While no wait has the
  // turn, nothing else runs it either, so this thread may.
  if (detached_count_ >= most_detached && !turn_taken_) {
    backend_->release_detached();
    free_idle();
  }
}

std::size_t engine::held() noexcept {
  const std::lock_guard<std::mutex> hold(lock_);
  std::size_t count = detached_count_;
  for (const registration* r = core_.first(); r != nullptr; r = r->all_next) ++count;
  return count;
}

void engine::free_idle() noexcept {
  for (registration** link = &detached_; *link != nullptr;) {
    registration* const r = *link;
    if (backend_->idle(*r)) {
      *link = r->detached_next;
      --detached_count_;
      delete r;
    } else {
      link = &r->detached_next;
    }
  }
}

std::size_t engine::wait(ready_record* out,
                         std::size_t capacity,
                         std::chrono::milliseconds timeout,
                         std::error_code& ec) noexcept {
  // Counted before anything else, for the destructor's check (a poller destroyed under a
  // wait); the count ends after the last access to the engine, the turn's release.
  struct counted {
    std::atomic<unsigned>& count;
    explicit counted(std::atomic<unsigned>& c) noexcept : count(c) {
      count.fetch_add(1, std::memory_order_acq_rel);
    }
    ~counted() { count.fetch_sub(1, std::memory_order_acq_rel); }
  } const in_progress(waits_in_progress_);
  ec.clear();
  if (out == nullptr || capacity == 0) {
    ec = make_error_code(misuse::record_array);
    return 0;
  }
  using clock = std::chrono::steady_clock;
  // Negative means forever; so does anything too long to add to the clock (over a year).
  const bool forever =
      timeout < std::chrono::milliseconds::zero() || timeout > std::chrono::hours(24 * 366);
  // The clock is read only when a deadline needs it: a busy server waits a lot.
  const bool timed = !forever && timeout != std::chrono::milliseconds::zero();
  const clock::time_point deadline = timed ? clock::now() + timeout : clock::time_point{};
  std::unique_lock<std::mutex> held(lock_);
  // Waits take turns, and the timeout bounds the whole call: a wait behind another one
  // returns 0 at its own deadline (at once for zero) if its turn has not come by then.
  const bool waited_for_turn = turn_taken_;
  if (waited_for_turn) {
    const auto turn_came = [this] { return !turn_taken_; };
    if (forever) {
      turn_free_.wait(held, turn_came);
    } else if (!timed || !turn_free_.wait_until(held, deadline, turn_came)) {
      return 0;
    }
  }
  turn_taken_ = true;
  // Destroyed before `held` lets go of the lock, on every return.
  struct turn_release {
    engine& e;
    ~turn_release() {
      e.turn_taken_ = false;
      // All: one woken waiter may be giving up at its deadline just now.
      e.turn_free_.notify_all();
    }
  } const release_turn{*this};
  // A wake that came with the last wait's records is reported now, before anything else,
  // and without taking records: they stay for the next wait.
  if (wake_kept_) {
    wake_kept_ = false;
    return 0;
  }
  // A wait that had to wait for its turn has used up part of its time.
  for (bool first = !waited_for_turn;; first = false) {
    // Even with records waiting, the backend gets a look (without blocking), so that
    // sockets re-recorded by the application's own calls never starve the others.
    auto left = forever ? std::chrono::milliseconds(-1) : timeout;
    if (core_.has_queued()) {
      left = std::chrono::milliseconds::zero();
    } else if (timed && !first) {
      left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
      if (left < std::chrono::milliseconds::zero()) left = std::chrono::milliseconds::zero();
    }
    if (resting_ != nullptr) left = until_first_rest_ends(left);
    blocked_waiter_ = true;
    const run_status status = backend_->run(left, ec, held);
    blocked_waiter_ = false;
    if (resting_ != nullptr) end_due_rests();
    if (detached_ != nullptr) free_idle();
    // A wake is never swallowed: reported by this wait's 0 if it has no records, otherwise
    // kept for the next wait, which returns 0 at once (records come first, and neither
    // starves the other under a storm of wakes).
    if (ec) {
      wake_kept_ = wake_kept_ || status == run_status::woken;
      return 0;
    }
    const std::size_t count = core_.collect(out, capacity);
    if (status == run_status::woken) {
      wake_kept_ = count != 0;
      return count;
    }
    if (count != 0) return count;
    // Notifications that recorded nothing (a condition consumed meanwhile, a disabled
    // bit) are not a reason to return: wait on until the deadline.
    if (!forever && (!timed || clock::now() >= deadline)) return 0;
  }
}

void engine::on_recv(registration& r, const io_result& result) noexcept {
  backend_->after_recv(r, result);
  notify_waiter();
}

void engine::on_send(registration& r, const io_result& result) noexcept {
  if (result.ec && result.ec == errc::would_block) backend_->after_send(r, result);
}

void engine::on_transition(registration& r) noexcept {
  backend_->after_transition(r);
  notify_waiter();
}

void engine::on_accept(registration& r, const io_result& result) noexcept {
  // Before the backend's hook, which arms a wait for accept only if it can be recorded.
  if (!result.ec) {
    r.rest_length = std::chrono::milliseconds::zero();
    end_rest(r);  // descriptors are back before the rest is over
  } else if (out_of_descriptors(result.ec)) {
    rest_accept(r);
  }
  backend_->after_accept(r, result);
  // A failed accept records nothing, but a wait blocked meanwhile must learn of the rest
  // (its end bounds the wait) and the backend of its looks: let it go round once.
  if (result.ec && blocked_waiter_) {
    backend_->nudge();
  } else {
    notify_waiter();
  }
}

void engine::rest_accept(registration& r) noexcept {
  // A level-triggered listener reports the connection that could not be taken again at
  // once, and the next accept fails the same way: a busy loop until descriptors come back
  // (libuv, nginx and libevent each had this). Resting accept keeps the connection queued,
  // gives the application one clear error per rest, and resumes by itself.
  // Doubling applies to failures in a row: one long after the last rest starts afresh.
  const auto now = std::chrono::steady_clock::now();
  const bool in_a_row = r.rest_length != std::chrono::milliseconds::zero() &&
                        now - r.rest_until <= longest_accept_rest;
  r.rest_length = in_a_row ? std::min(r.rest_length * 2, longest_accept_rest) : first_accept_rest;
  r.rest_until = now + r.rest_length;
  core_.clear(*r.socket, event::accept);
  if (has_any(r.resting, event::accept)) return;
  r.resting |= event::accept;
  push_front(resting_, r, &registration::resting_next);
}

void engine::end_rest(registration& r) noexcept {
  if (r.resting == event::none) return;
  unlink(resting_, r, &registration::resting_next);
  r.resting = event::none;
}

void engine::end_due_rests() noexcept {
  const auto now = std::chrono::steady_clock::now();
  registration* next = nullptr;
  for (registration* r = resting_; r != nullptr; r = next) {
    next = r->resting_next;
    if (r->rest_until > now) continue;
    end_rest(*r);
    // Accept is selectable again: the backend looks whether a connection waits (G1).
    (void)backend_->update(*r);
  }
}

std::chrono::milliseconds engine::until_first_rest_ends(
    std::chrono::milliseconds left) const noexcept {
  auto first_end = resting_->rest_until;
  for (const registration* r = resting_->resting_next; r != nullptr; r = r->resting_next) {
    first_end = std::min(first_end, r->rest_until);
  }
  const auto now = std::chrono::steady_clock::now();
  // Rounded up, so that the wait does not end just before the rest and spin meanwhile.
  const auto until = first_end <= now
                         ? std::chrono::milliseconds::zero()
                         : std::chrono::ceil<std::chrono::milliseconds>(first_end - now);
  return left < std::chrono::milliseconds::zero() ? until : std::min(left, until);
}

}  // namespace evsel::detail

namespace evsel::detail {

socket_call_lock::socket_call_lock(socket_state& s) noexcept {
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

socket_call_lock::~socket_call_lock() {
  if (held_ != nullptr) held_->unlock();
}

}  // namespace evsel::detail
