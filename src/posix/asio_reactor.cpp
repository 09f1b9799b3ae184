// SPDX-License-Identifier: MIT
// evsel: the POSIX backend's reactor plumbing: run, wake, and the waits it starts and
// completes on Asio.
#include <new>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>

#include "asio_backend.hpp"
#include "asio_errors.hpp"
#include "asio_registration.hpp"

namespace evsel::detail {

std::unique_lock<std::mutex> backend::handler_lock() noexcept {
  // In run() the waiting thread lets go of the engine's lock and each handler takes it; in
  // release_detached() the thread running the handlers holds it.
  return lock_held_ ? std::unique_lock<std::mutex>() : std::unique_lock<std::mutex>(*engine_lock_);
}

run_status backend::run(std::chrono::milliseconds timeout,
                        std::error_code& ec,
                        std::unique_lock<std::mutex>& held) noexcept {
  std::size_t handled = 0;
  look_at_listed();
  // Found by a look, or a wake that release_detached ran: nothing to block for.
  if (core_.has_queued() || woken_) timeout = std::chrono::milliseconds::zero();
  // Handlers run inside run_one/poll_one, on this thread; each takes the lock for itself.
  engine_lock_ = held.mutex();
  blocked_run_ = std::this_thread::get_id();
  held.unlock();
  try {
    if (timeout < std::chrono::milliseconds::zero()) {
      handled = io_.run_one();
    } else if (timeout > longest_plain_block) {
      handled = run_one_long(timeout);
    } else if (timeout > std::chrono::milliseconds::zero()) {
      handled = io_.run_one_for(timeout);
    }
    // Everything else that is ready now belongs to this wait too, up to a bound: should a
    // wait ever complete over and over, wait() still returns by its deadline.
    constexpr std::size_t most_per_run = 4096;
    const unsigned block_ends = long_block_ends_;
    for (std::size_t more = 0; more < most_per_run && io_.poll_one() != 0; ++more) ++handled;
    handled -= long_block_ends_ - block_ends;  // nor is a long block's end here
  } catch (const boost::system::system_error& e) {
    ec = to_std(e.code());
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
  }
  held.lock();
  blocked_run_ = std::thread::id{};
  if (io_.stopped()) io_.restart();
  look_at_listed();  // the connections the reactor woke, all with one poll
  // Also a wake that release_detached ran since the last run.
  if (std::exchange(woken_, false)) return run_status::woken;
  return handled != 0 ? run_status::progress : run_status::timeout;
}

std::size_t backend::run_one_long(std::chrono::milliseconds timeout) {
  // Asio's run_one_for wakes up every second to look at the clock, which would make a far
  // timer or deadline cost a system call a second; a timer of the reactor's own blocks in
  // one go. Arming it costs a timerfd call, so it stays armed across waits and is moved only
  // when a block must end sooner than it by more than a millisecond (a deadline's block is
  // the same from wait to wait, give or take the rounding). One that fires too soon ends
  // the block early, and the engine blocks again: never a record early, at most a spurious
  // wake.
  const auto until = std::chrono::steady_clock::now() + timeout;
  if (!long_block_armed_ || long_block_until_ > until + std::chrono::milliseconds(1)) {
    long_block_.expires_at(until);  // cancels the earlier wait, whose handler still runs
    long_block_.async_wait([this](const boost::system::error_code& ec) {
      ++long_block_ends_;
      if (!ec) long_block_armed_ = false;
    });
    long_block_armed_ = true;
    long_block_until_ = until;
  }
  const unsigned ends_before = long_block_ends_;
  std::size_t handled = io_.run_one();
  handled -= long_block_ends_ - ends_before;  // the block's end is not progress
  return handled;
}

void backend::wake() noexcept {
  // Coalesced: one queued wake-up handler at most.
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  try {
    boost::asio::post(io_, [this] {
      wake_pending_.store(false, std::memory_order_release);
      const std::unique_lock<std::mutex> hold = handler_lock();
      woken_ = true;
    });
  } catch (...) {
    wake_pending_.store(false, std::memory_order_release);
  }
}

void backend::nudge() noexcept {
  if (nudge_pending_) return;
  try {
    boost::asio::post(io_, [this] {
      const std::unique_lock<std::mutex> hold = handler_lock();
      nudge_pending_ = false;
    });
    nudge_pending_ = true;
  } catch (...) {
    // Out of memory: the blocked wait sees the record at its next notification or timeout.
  }
}

void backend::rearm(asio_registration& r) noexcept {
  const socket_state& s = *r.socket;
  const event wanted = r.recordable();
  bool want_read = false;
  bool want_write = false;
  bool want_urgent = false;
  // Nothing is waited for while a condition holds but is disabled: the re-enabling call
  // looks again. That keeps level-triggered readiness from spinning.
  if (!s.is_tcp()) {
    want_read = has_any(wanted, event::read);
    want_write = has_any(wanted, event::write) && r.write_blocked;
  } else {
    switch (s.stage) {
      case connection_stage::listening:
        want_read = has_any(wanted, event::accept);
        break;
      case connection_stage::connecting:
        want_write = true;  // learn the outcome even if neither connect nor write is selected
        break;
      case connection_stage::connected:
        if (r.hung_up) break;  // readiness stays on for good: recv calls look instead
        // After shutdown(receive) the read wait stays on whatever is selected: arriving
        // data is discarded, as the native backend does.
        want_read =
            (has_any(wanted, event::read | event::close) || s.receive_shut) && !s.peer_closed;
        want_write = has_any(wanted, event::write) && r.write_blocked;
        want_urgent = has_any(wanted, event::oob) && !s.peer_closed;
        break;
      case connection_stage::idle:  // Linux reports both as hung up: nothing to wait for
      case connection_stage::failed:
        break;
    }
  }
  if (want_read) {
    plan_read_wait(r);
  } else {
    forgo_read_wait(r);
  }
  if (want_write && !r.waiting[wait_write]) start_wait(r, wait_write);
  if (want_urgent && r.urgent == urgent_state::unknown) start_wait(r, wait_urgent);
}

void backend::start_wait(asio_registration& r, wait_kind kind) noexcept {
  static constexpr boost::asio::posix::descriptor_base::wait_type types[wait_kinds] = {
      boost::asio::posix::descriptor_base::wait_read,
      boost::asio::posix::descriptor_base::wait_write,
      boost::asio::posix::descriptor_base::wait_error};
  // A wait of this kind that a look overtook is still outstanding: it serves again.
  if (!r.waiting[kind]) {
    try {
      r.descriptor.async_wait(types[kind], [this, &r, kind](const boost::system::error_code& ec) {
        const std::unique_lock<std::mutex> hold = handler_lock();
        on_ready(r, kind, ec == boost::asio::error::operation_aborted);
      });
    } catch (...) {
      // Out of memory for the wait: the socket is looked at again on its next
      // re-enabling call or mask change.
      return;
    }
    r.waiting[kind] = true;
    ++r.pending;
  }
  if (kind == wait_read) move_input(r, input_state::waiting);
  if (kind == wait_urgent) move_urgent(r, urgent_state::waiting);
}

void backend::on_ready(asio_registration& r, wait_kind kind, bool aborted) noexcept {
  --r.pending;
  r.waiting[kind] = false;
  // Detached (removed or closed): the engine frees it once no handler is pending.
  if (r.socket == nullptr || aborted) return;
  switch (kind) {
    case wait_read:
      // Otherwise a look overtook the wait (queued, ended): what it found stands.
      if (r.input != input_state::waiting) break;
      if (reads_by_look(*r.socket)) {
        // Why it woke (data, end of stream, reset) is found out with the others woken in
        // this run, by one poll; see look_at_listed.
        list_for_look(r, input_state::woken);
        return;
      }
      move_input(r, input_state::unknown);
      break;
    case wait_urgent:
      if (r.urgent == urgent_state::waiting) move_urgent(r, urgent_state::unknown);
      break;
    case wait_write:
    case wait_kinds:
      break;
  }
  evaluate(r, all_events, look_origin::reactor);
  rearm(r);
}

}  // namespace evsel::detail
