// SPDX-License-Identifier: MIT
// evsel: the POSIX backend: WSAEventSelect's state model on Boost.Asio's reactor.
#include "asio_backend.hpp"

#include <algorithm>
#include <cstdint>
#include <new>
#include <utility>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>

#include "../native_errors.hpp"
#include "../os.hpp"
#include "posix_probes.hpp"

namespace evsel::detail {
namespace {

std::error_code to_std(const boost::system::error_code& ec) noexcept {
  if (!ec) return {};
  if (ec.category() == boost::system::generic_category()) {
    return {ec.value(), std::generic_category()};
  }
  // Asio's system errors are errno values; keep them as such (Boost 1.74's implicit
  // conversion would wrap them in a category that is not std::system_category()).
  return native_error(ec.value());
}

// A connected TCP socket's read waits start after a look (defer_read_wait), and the reason
// it woke is found by a look too; listeners, connecting and UDP sockets wait directly.
bool reads_by_look(const socket_state& s) noexcept {
  return s.is_tcp() && s.stage == connection_stage::connected;
}

}  // namespace

struct backend::asio_registration final : registration {
  explicit asio_registration(boost::asio::io_context& io) : descriptor(io) {}

  // With the io_context's own executor type, not the type-erased default: a smaller
  // descriptor and smaller pending waits, which is most of the memory of an idle connection.
  boost::asio::posix::basic_stream_descriptor<boost::asio::io_context::executor_type> descriptor;
  unsigned pending = 0;           // async waits whose handler has not run yet
  bool waiting[wait_kinds] = {};  // which waits are outstanding
  // What the last look at the socket found, valid until a re-enabling call changes it:
  // data or a datagram queued (TCP/UDP), a connection queued (listener).
  bool input_known = false;
  bool urgent_known = false;  // an urgent byte is waiting
  // POLLPRI said urgent data but none can be read (its byte has not arrived): waiting for
  // POLLPRI again would complete at once, so the next recv looks instead.
  bool urgent_unreadable = false;
  bool write_blocked = false;  // no room to send: write comes when space is back
  // The connection is dead in both directions (POLLHUP/POLLERR). Readiness stays on for
  // good, so nothing is waited for any more; recv calls look at what is left.
  bool hung_up = false;
  // The read wait of a connection starts at the next run, with a look first (see
  // defer_read_wait); these keep it in that list and decide whether to look.
  asio_registration* deferred_next = nullptr;
  bool deferred = false;
  bool woken = false;  // the reactor said readable: look, whatever the looks before found
  std::uint8_t looks_missed = 0;   // looks in a row that found nothing, up to 4
  std::uint8_t looks_to_skip = 0;  // read waits to start without a look first
};

backend::backend(poller_core& core)
    : core_(core), io_(1), keep_running_(boost::asio::make_work_guard(io_)) {
  try {
    // Asio creates its reactor (epoll, eventfd, timerfd) with the first I/O object: do it
    // now, so that a shortage of descriptors fails here and not inside a noexcept add.
    const boost::asio::posix::stream_descriptor first(io_);
  } catch (const boost::system::system_error& e) {
    throw std::system_error(to_std(e.code()), "evsel: creating the Asio reactor");
  }
}

backend::~backend() {
  keep_running_.reset();
  // Destroying io_ destroys every pending handler without running it; the engine frees the
  // registrations afterwards.
}

registration* backend::make_registration() noexcept {
  try {
    return new asio_registration(io_);
  } catch (...) {
    return nullptr;
  }
}

std::error_code backend::attach(registration& base) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  boost::system::error_code ec;
  try {
    r.descriptor.assign(r.socket->handle, ec);
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
  if (ec) return to_std(ec);
  try {
    // Both, each on its own: one may have grown before the other failed to.
    const std::size_t room = std::max<std::size_t>(64, 2 * (attached_ + 1));
    if (attached_ + 1 > looks_.capacity()) looks_.reserve(room);
    if (attached_ + 1 > looked_at_.capacity()) looked_at_.reserve(room);
  } catch (const std::bad_alloc&) {
    (void)r.descriptor.release();
    return std::make_error_code(std::errc::not_enough_memory);
  }
  ++attached_;
  evaluate(r, all_events);
  rearm(r);
  return {};
}

std::error_code backend::update(registration& base) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  // G1 for every enabled bit that is not disabled; disabled bits stay silent (G2).
  evaluate(r, all_events);
  rearm(r);
  return {};
}

void backend::detach(registration& base) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  // Deregisters the descriptor from the reactor (before the socket may be closed) and
  // cancels the outstanding waits; their handlers still run once, see on_ready.
  --attached_;
  (void)r.descriptor.release();
}

bool backend::idle(const registration& base) const noexcept {
  const auto& r = static_cast<const asio_registration&>(base);
  return r.pending == 0 && !r.deferred;
}

void backend::release_detached() noexcept {
  // Detached connections still in the deferred list: look_at_deferred would skip them.
  asio_registration** link = &deferred_head_;
  deferred_tail_ = nullptr;
  while (asio_registration* r = *link) {
    if (r->socket == nullptr) {
      *link = r->deferred_next;
      r->deferred_next = nullptr;
      r->deferred = false;
      r->woken = false;
    } else {
      deferred_tail_ = r;
      link = &r->deferred_next;
    }
  }
  // Their cancelled waits are queued in the io_context: run what is ready, without
  // blocking, on this thread, which holds the engine's lock. Whatever else runs meanwhile
  // (a live socket's wait, a wake) does what it would do in the next run: it records, and a
  // wake is kept for that run to report.
  lock_held_ = true;
  try {
    constexpr std::size_t most = 16384;
    for (std::size_t done = 0; done < most && io_.poll_one() != 0; ++done) {
    }
  } catch (...) {
    // What is left runs in the next wait.
  }
  lock_held_ = false;
  if (io_.stopped()) io_.restart();
}

std::unique_lock<std::mutex> backend::handler_lock() noexcept {
  // In run() the waiting thread lets go of the engine's lock and each handler takes it; in
  // release_detached() the thread running the handlers holds it.
  return lock_held_ ? std::unique_lock<std::mutex>() : std::unique_lock<std::mutex>(*engine_lock_);
}

run_status backend::run(std::chrono::milliseconds timeout,
                        std::error_code& ec,
                        std::unique_lock<std::mutex>& held) noexcept {
  std::size_t handled = 0;
  look_at_deferred();
  // Found by a look, or a wake that release_detached ran: nothing to block for.
  if (core_.has_queued() || woken_) timeout = std::chrono::milliseconds::zero();
  // Handlers run inside run_one/poll_one, on this thread; each takes the lock for itself.
  engine_lock_ = held.mutex();
  held.unlock();
  try {
    if (timeout < std::chrono::milliseconds::zero()) {
      handled = io_.run_one();
    } else if (timeout > std::chrono::milliseconds::zero()) {
      handled = io_.run_one_for(timeout);
    }
    // Everything else that is ready now belongs to this wait too, up to a bound: should a
    // wait ever complete over and over, wait() still returns by its deadline.
    constexpr std::size_t most_per_run = 4096;
    for (std::size_t more = 0; more < most_per_run && io_.poll_one() != 0; ++more) ++handled;
  } catch (const boost::system::system_error& e) {
    ec = to_std(e.code());
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
  }
  held.lock();
  if (io_.stopped()) io_.restart();
  look_at_deferred();  // the connections the reactor woke, all with one poll
  // Also a wake that release_detached ran since the last run.
  if (std::exchange(woken_, false)) return run_status::woken;
  return handled != 0 ? run_status::progress : run_status::timeout;
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

void backend::after_recv(registration& base, const io_result& result) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  const socket_state& s = *r.socket;
  r.urgent_unreadable = false;
  // Linux drops the urgent byte once a normal read passes its mark: look again.
  if (r.urgent_known) r.urgent_known = posix::urgent_byte_waiting(s.handle);
  if (has_flag(result.flags, message_flags::oob)) {
    evaluate(r, event::oob);
  } else if (has_flag(result.flags, message_flags::peek)) {
    evaluate(r, event::read | event::oob | event::close);  // re-records read (C30)
  } else {
    r.input_known = false;
    // A TCP recv that returned less than asked emptied the queue: nothing to look at, the
    // read wait re-armed below notices new data or the end of the stream. Otherwise look.
    if (s.is_tcp() && (result.ec || result.bytes < result.requested) && !r.hung_up) {
      if (r.urgent_known && !s.receive_shut) core_.record(r, event::oob);  // re-enabled
      record_close_if_due(r);
    } else {
      evaluate(r, event::read | event::oob | event::close);
    }
  }
  rearm(r);
}

void backend::after_send(registration& base, const io_result& /*result*/) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  r.write_blocked = true;
  rearm(r);
}

void backend::after_accept(registration& base, const io_result& result) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  r.input_known = false;
  if (!result.ec) evaluate(r, event::accept);  // more queued: recorded again (C21, C52)
  rearm(r);
}

void backend::after_transition(registration& base) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  if (r.socket->receive_shut) r.input_known = false;  // what is queued gets discarded
  evaluate(r, all_events);
  rearm(r);
}

void backend::evaluate(asio_registration& r, event scope, bool from_reactor) noexcept {
  socket_state& s = *r.socket;
  const event wanted = scope & r.recordable();
  if (!s.is_tcp()) {
    evaluate_datagram(r, wanted);
    return;
  }
  refresh_connect(s);
  switch (s.stage) {
    case connection_stage::idle:  // unconnected: nothing is ever recorded (C01)
    case connection_stage::connecting:
      return;
    case connection_stage::listening:
      if (has_any(wanted, event::accept) && !r.input_known) {
        r.input_known = posix::poll_now(s.handle, {true, false, false}).readable;
      }
      if (r.input_known) core_.record(r, event::accept);
      return;
    case connection_stage::failed:
      // Failure: connect with its error, and nothing else (C24).
      core_.record(r, event::connect, s.connect_error);
      return;
    case connection_stage::connected:
      evaluate_stream(r, wanted, from_reactor);
      return;
  }
}

void backend::evaluate_stream(asio_registration& r, event wanted, bool from_reactor) noexcept {
  socket_state& s = *r.socket;
  event found = s.connected_by_connect ? event::connect : event::none;
  posix::interest look;
  look.write = has_any(wanted, event::write);
  // Woken by the reactor, always find out why (data, end of stream, reset), whatever is
  // selected: that knowledge is what stops the wait from being armed again for nothing.
  // After shutdown(receive) arriving data is looked at to be discarded.
  look.read = (from_reactor || s.receive_shut || has_any(wanted, event::read | event::close)) &&
              !r.input_known && !s.peer_closed;
  look.urgent = has_any(wanted, event::oob) && !s.oob_inline && !s.receive_shut && !s.peer_closed;
  if (look.read && !look.write && !look.urgent) {
    probe_stream_input(r);  // the peek alone says all there is to know about input
  } else if (look.read || look.write || look.urgent) {
    const posix::readiness now = posix::poll_now(s.handle, look);
    r.hung_up = r.hung_up || now.hangup;
    if (look.write) {
      // A hung-up socket counts as writable: the next send reports the error.
      r.write_blocked = !now.writable && !now.hangup;
      if (!r.write_blocked) found |= event::write;
    }
    if (look.read && (now.readable || now.hangup)) probe_stream_input(r);
    if (look.urgent) {
      r.urgent_known = now.urgent && posix::urgent_byte_waiting(s.handle);
      r.urgent_unreadable = now.urgent && !r.urgent_known;
    }
  }
  if (r.input_known && !s.receive_shut) found |= event::read;
  if (r.urgent_known && !s.oob_inline && !s.receive_shut) found |= event::oob;
  // One call, so that connect and write of a new connection share one record (C55).
  core_.record(r, found);
  record_close_if_due(r);
}

void backend::record_close_if_due(asio_registration& r) noexcept {
  // Close only once no unread data is left, so closing on it loses nothing (C36 weak form).
  const socket_state& s = *r.socket;
  if (s.peer_closed && !r.input_known) core_.record(r, event::close, s.close_error);
}

void backend::probe_stream_input(asio_registration& r) noexcept {
  socket_state& s = *r.socket;
  // Two rounds at most: after discarding (shutdown(receive)) look once more for the end.
  for (int round = 0; round < 2; ++round) {
    std::error_code ec;
    switch (posix::peek_stream(s.handle, ec)) {
      case posix::stream_input::data:
        if (!s.receive_shut) {
          r.input_known = true;
          return;
        }
        if ((ec = posix::discard_input(s.handle))) {
          note_connection_lost(s, ec);
          return;
        }
        continue;
      case posix::stream_input::end_of_stream:
        note_connection_lost(s, {});
        return;
      case posix::stream_input::failed:
        // The peer reset the connection: reading the error consumed it, so it is kept on
        // the socket for recv and send (C39).
        note_connection_lost(s, ec);
        return;
      case posix::stream_input::empty:
        return;
    }
  }
}

void backend::evaluate_datagram(asio_registration& r, event wanted) noexcept {
  const socket_state& s = *r.socket;
  posix::interest look;
  // UDP sockets are bound when registered: write is recorded once (C07, G12), and again
  // only after a send that would block, once there is room.
  look.write = has_any(wanted, event::write);
  look.read = has_any(wanted, event::read) && !s.receive_shut && !r.input_known;
  if (!look.read && !look.write) return;
  const posix::readiness now = posix::poll_now(s.handle, look);
  event found = event::none;
  if (now.hangup) {
    // An ICMP error (port unreachable on a connected socket): Linux reports it on the next
    // call, Windows is told not to (SIO_UDP_CONNRESET). Take it off, as Windows does.
    (void)os::pending_error(s.handle);
  }
  if (look.write) {
    r.write_blocked = !now.writable;
    if (!r.write_blocked) found |= event::write;
  }
  // A datagram, even an empty one (C54), is a read.
  if (look.read) r.input_known = now.readable;
  if (r.input_known && !s.receive_shut) found |= event::read;
  core_.record(r, found);
}

void backend::rearm(asio_registration& r, bool defer_read) noexcept {
  const socket_state& s = *r.socket;
  const event wanted = r.recordable();
  bool want[wait_kinds] = {};
  if (!s.is_tcp()) {
    want[wait_read] = has_any(wanted, event::read) && !r.input_known && !s.receive_shut;
    want[wait_write] = has_any(wanted, event::write) && r.write_blocked;
  } else if (s.stage == connection_stage::listening) {
    want[wait_read] = has_any(wanted, event::accept) && !r.input_known;
  } else if (s.stage == connection_stage::connecting) {
    want[wait_write] = true;  // learn the outcome even if neither connect nor write is selected
  } else if (s.stage == connection_stage::connected && !r.hung_up) {
    // Nothing is waited for while a condition holds but is disabled: the re-enabling call
    // looks again. That keeps level-triggered readiness from spinning.
    // After shutdown(receive) the read wait stays on whatever is selected: arriving data
    // is discarded, as the native backend does.
    want[wait_read] = (has_any(wanted, event::read | event::close) || s.receive_shut) &&
                      !r.input_known && !s.peer_closed;
    want[wait_write] = has_any(wanted, event::write) && r.write_blocked;
    want[wait_urgent] = has_any(wanted, event::oob) && !s.oob_inline && !s.receive_shut &&
                        !r.urgent_known && !r.urgent_unreadable && !s.peer_closed;
  }
  // Idle (unconnected) and failed sockets wait for nothing: Linux reports them as hung up.
  if (want[wait_read] && defer_read && reads_by_look(s)) {
    if (!r.waiting[wait_read]) defer_read_wait(r);
    want[wait_read] = false;
  }
  for (unsigned kind = 0; kind < wait_kinds; ++kind) {
    if (want[kind] && !r.waiting[kind]) start_wait(r, static_cast<wait_kind>(kind));
  }
}

void backend::defer_read_wait(asio_registration& r, bool woken) noexcept {
  // Arming a read wait costs a system call (Asio re-arms with epoll_ctl), and a busy
  // connection often has new data by the time the application waits again. So the wait is
  // started at the next run, after a look at the socket that records the read event at
  // once if data came meanwhile: a share of one poll() instead of epoll_ctl, epoll_wait and
  // a peek.
  r.woken = r.woken || woken;
  if (r.deferred) return;
  r.deferred = true;
  r.deferred_next = nullptr;
  (deferred_tail_ != nullptr ? deferred_tail_->deferred_next : deferred_head_) = &r;
  deferred_tail_ = &r;
}

void backend::look_at_deferred() noexcept {
  // One poll() looks at all of them: for a busy connection it says "data" and the read
  // event is recorded without a system call of its own.
  looked_at_.clear();
  looks_.clear();
  for (asio_registration* r = deferred_head_; r != nullptr;) {
    asio_registration& next = *r;
    r = next.deferred_next;
    next.deferred_next = nullptr;
    next.deferred = false;
    const bool woken = std::exchange(next.woken, false);
    if (next.socket == nullptr || next.waiting[wait_read]) continue;  // detached, or armed
    if (!woken && next.looks_to_skip > 0) {
      // A quiet connection (a request and its answer at a time): its looks keep finding
      // nothing, so most of its waits start at once; a look now and then notices a change.
      --next.looks_to_skip;
      rearm(next, false);
      continue;
    }
    looked_at_.push_back(&next);  // within the room reserved by attach
    looks_.push_back(pollfd{next.socket->handle, 0, 0});
  }
  deferred_head_ = deferred_tail_ = nullptr;
  if (looks_.empty()) return;
  const bool polled = posix::poll_inputs(looks_.data(), looks_.size());
  for (std::size_t i = 0; i < looked_at_.size(); ++i) {
    look_then_arm(*looked_at_[i],
                  polled ? posix::input_hint_of(looks_[i]) : posix::input_hint::unsure);
  }
}

void backend::look_then_arm(asio_registration& r, posix::input_hint hint) noexcept {
  const socket_state& s = *r.socket;
  if (hint == posix::input_hint::data && !s.receive_shut) r.input_known = true;
  // Certain data is recorded as such; an end of stream or an error takes a peek.
  if (hint != posix::input_hint::empty) evaluate(r, event::read | event::close);
  const bool found = r.input_known || s.peer_closed;
  r.looks_missed = found ? 0 : static_cast<std::uint8_t>(std::min(r.looks_missed + 1, 4));
  r.looks_to_skip = static_cast<std::uint8_t>((1U << r.looks_missed) - 1);
  rearm(r, false);
}

void backend::start_wait(asio_registration& r, wait_kind kind) noexcept {
  static constexpr boost::asio::posix::descriptor_base::wait_type types[wait_kinds] = {
      boost::asio::posix::descriptor_base::wait_read,
      boost::asio::posix::descriptor_base::wait_write,
      boost::asio::posix::descriptor_base::wait_error};
  try {
    r.descriptor.async_wait(types[kind], [this, &r, kind](const boost::system::error_code& ec) {
      const std::unique_lock<std::mutex> hold = handler_lock();
      on_ready(r, kind, ec == boost::asio::error::operation_aborted);
    });
    r.waiting[kind] = true;
    ++r.pending;
  } catch (...) {
    // Out of memory for the wait: the socket is looked at again on its next
    // re-enabling call or mask change.
  }
}

void backend::on_ready(asio_registration& r, wait_kind kind, bool aborted) noexcept {
  --r.pending;
  r.waiting[kind] = false;
  // Detached (removed or closed): the engine frees it once no handler is pending.
  if (r.socket == nullptr || aborted) return;
  switch (kind) {
    case wait_read:
      r.input_known = false;
      if (reads_by_look(*r.socket)) {
        // Why it woke (data, end of stream, reset) is found out with the others woken in
        // this run, by one poll; see look_at_deferred.
        defer_read_wait(r, true);
        return;
      }
      break;
    case wait_urgent:
      r.urgent_known = false;
      break;
    case wait_write:
    case wait_kinds:
      break;
  }
  evaluate(r, all_events, true);
  rearm(r);
}

}  // namespace evsel::detail
