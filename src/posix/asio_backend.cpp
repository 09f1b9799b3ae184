// SPDX-License-Identifier: MIT
// evsel: the POSIX backend's seam: attach, detach and the re-enabling hooks.
#include "asio_backend.hpp"

#include <algorithm>
#include <new>

#include <boost/system/system_error.hpp>

#include "asio_errors.hpp"
#include "asio_registration.hpp"
#include "posix_probes.hpp"

namespace evsel::detail {

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
  evaluate(r, all_events, look_origin::call);
  rearm(r);
  return {};
}

std::error_code backend::update(registration& base) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  // G1 for every enabled bit that is not disabled; disabled bits stay silent (G2).
  evaluate(r, all_events, look_origin::call);
  rearm(r);
  return {};
}

void backend::detach(registration& base) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  // Deregisters the descriptor from the reactor (before the socket may be closed) and
  // cancels the outstanding waits; their handlers still run once, see on_ready. A user
  // event's descriptor stays open: the user_event owns it.
  if (r.kind == source_kind::socket) --attached_;
  (void)r.descriptor.release();
}

bool backend::released(const registration& base) const noexcept {
  const auto& r = static_cast<const asio_registration&>(base);
  return r.pending == 0 && !r.listed;
}

void backend::release_detached() noexcept {
  unlist_detached();
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

void backend::after_recv(registration& base, const io_result& result) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  const socket_state& s = *r.socket;
  // Linux drops the urgent byte once a normal read passes its mark: look again.
  if (r.urgent == urgent_state::queued) {
    move_urgent(
        r, posix::urgent_byte_waiting(s.handle) ? urgent_state::queued : urgent_state::unknown);
  } else if (r.urgent == urgent_state::unreadable) {
    move_urgent(r, urgent_state::unknown);
  }
  if (has_flag(result.flags, message_flags::oob)) {
    evaluate(r, event::oob, look_origin::call);
  } else if (has_flag(result.flags, message_flags::peek)) {
    evaluate(r, event::read | event::oob | event::close, look_origin::call);  // read again (C30)
  } else {
    if (r.input == input_state::queued) move_input(r, input_state::unknown);  // consumed
    // A TCP recv that returned less than asked emptied the queue: nothing to look at, the
    // read wait armed below notices new data or the end of the stream. Otherwise look.
    if (s.is_tcp() && (result.ec || result.bytes < result.requested) && !r.hung_up) {
      if (r.urgent == urgent_state::queued) core_.record(r, event::oob);  // re-enabled
      record_close_if_due(r);
    } else {
      evaluate(r, event::read | event::oob | event::close, look_origin::call);
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
  if (r.input == input_state::queued) move_input(r, input_state::unknown);
  // More queued: recorded again (C21, C52).
  if (!result.ec) evaluate(r, event::accept, look_origin::call);
  rearm(r);
}

void backend::after_transition(registration& base) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  // After shutdown(receive) what is queued gets discarded: look again.
  if (r.socket->receive_shut && r.input == input_state::queued) move_input(r, input_state::unknown);
  evaluate(r, all_events, look_origin::call);
  rearm(r);
}

}  // namespace evsel::detail
