// SPDX-License-Identifier: MIT
// evsel: evsel::socket, where the re-enabling calls reach the poller on every backend.
#include <new>
#include <utility>

#include <evsel/error.hpp>
#include <evsel/socket.hpp>

#include "engine.hpp"
#include "injected_faults.hpp"
#include "misuse.hpp"
#include "os.hpp"
#include "poller_core.hpp"
#include "socket_state.hpp"

namespace evsel {
namespace detail {
namespace {

// Errors that mean "this call was wrong", as opposed to the outcome of an attempt.
bool is_misuse(const std::error_code& ec) noexcept {
  return ec == errc::invalid_argument || ec == errc::not_a_socket ||
         ec == errc::address_family_not_supported || ec == errc::already_connected ||
         ec == errc::connection_in_progress || ec == std::errc::bad_address;
}

bool is_connection_lost(const std::error_code& ec) noexcept {
  // Most calls succeed or would block: one comparison at most (each asks the error
  // categories) for them.
  if (!ec || ec == errc::would_block) return false;
  // A reset, or the OS giving up on the peer (keep-alive probes or retransmissions not
  // answered: timed_out, or the ICMP error that came meanwhile, as Linux reports it). Linux
  // says so to one recv only, and end of stream afterwards; Windows keeps failing (C39).
  return ec == errc::connection_reset || ec == errc::connection_aborted || ec == errc::timed_out ||
         ec == errc::host_unreachable || ec == errc::network_unreachable;
}

// What a TCP recv says about the connection: the end of the stream, or its loss.
void note_stream_result(socket_state& s,
                        std::size_t n,
                        message_flags flags,
                        std::error_code& ec) noexcept {
  const bool end_of_stream = !ec && n == 0 && !has_flag(flags, message_flags::oob);
  if (end_of_stream) {
    // Unless a reset came after the peer's FIN (we sent into a closed peer): Windows then
    // fails with WSAECONNABORTED (C48), POSIX leaves EPIPE pending behind the end.
    const std::error_code pending = os::pending_error(s.handle);
    if (pending == std::errc::broken_pipe || pending == errc::connection_aborted) {
      ec = os::connection_aborted_code();
    } else {
      ec = pending;
    }
  }
  if (is_connection_lost(ec)) {
    note_connection_lost(s, ec);
  } else if (end_of_stream && !ec) {
    note_connection_lost(s, {});
  }
  // Once the data queued before a reset is read, recv keeps failing with the reset, as on
  // Windows (C39); the OS would say would-block or end of stream by now.
  if (s.sticky_error && (ec == errc::would_block || (!ec && n == 0))) ec = s.sticky_error;
}

// The re-enabling rules of the model (docs/semantics.md, rules 1 and 2), then the
// backend's turn. They hold whether or not the socket is registered, as the Windows kernel
// keeps them per socket.
std::size_t finish_recv(socket_state& s,
                        std::size_t n,
                        std::size_t size,
                        message_flags flags,
                        const std::error_code& ec) noexcept {
  poller_core::reenable(s, event::read | event::oob);
  // A recv that consumed data takes its recorded bit away; the backend records it again
  // if the condition still holds (level re-posting, C29, C30, C19).
  if (!has_flag(flags, message_flags::peek)) {
    poller_core::clear(s, has_flag(flags, message_flags::oob) ? event::oob : event::read);
  }
  if (s.reg != nullptr) s.reg->owner->on_recv(*s.reg, {n, size, flags, ec});
  return n;
}

std::size_t finish_send(socket_state& s,
                        std::size_t n,
                        std::size_t size,
                        message_flags flags,
                        const std::error_code& ec) noexcept {
  // Only a send that would block re-enables write (C26, C27); a successful send neither
  // records nor clears it (C28).
  if (ec && ec == errc::would_block) poller_core::reenable(s, event::write);
  if (s.reg != nullptr) s.reg->owner->on_send(*s.reg, {n, size, flags, ec});
  return n;
}

// Checks shared by recv and send on a TCP socket.
std::error_code stream_ready(socket_state& s, bool shut) noexcept {
  refresh_connect(s);
  if (s.stage != connection_stage::connected) return make_error_code(errc::not_connected);
  if (shut) return make_error_code(errc::shut_down);
  return {};
}

// Sets `ec` and returns false unless `s` is an open socket (the common first check).
bool open_or_fail(const socket_state* s, std::error_code& ec) noexcept {
  ec.clear();
  if (s != nullptr) return true;
  ec = make_error_code(errc::not_a_socket);
  return false;
}

// Sets `ec` to `e` and returns 0: the failure value of the calls that return a size.
std::size_t fail(std::error_code& ec, errc e) noexcept {
  ec = make_error_code(e);
  return 0;
}
std::size_t fail(std::error_code& ec, misuse m) noexcept {
  ec = make_error_code(m);
  return 0;
}

}  // namespace
}  // namespace detail

using detail::connection_stage;
using detail::socket_state;

socket::~socket() {
  (void)close();
}

socket::socket(socket&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}

socket& socket::operator=(socket&& other) noexcept {
  if (this != &other) {
    (void)close();
    state_ = std::exchange(other.state_, nullptr);
  }
  return *this;
}

socket socket::open(address_family family, protocol proto, std::error_code& ec) noexcept {
  if ((ec = detail::os::startup())) return {};
  const native_socket handle = detail::os::open(family, proto, ec);
  if (ec) return {};
  auto* state = new (std::nothrow) socket_state;
  if (state == nullptr) {
    (void)detail::os::close(handle);
    ec = make_error_code(errc::no_buffer_space);
    return {};
  }
  state->handle = handle;
  state->family = family;
  state->transport = proto;
  return socket(state);
}

socket socket::open(address_family family, protocol proto) {
  std::error_code ec;
  socket s = open(family, proto, ec);
  if (ec) throw std::system_error(ec, "evsel::socket::open");
  return s;
}

native_socket socket::native_handle() const noexcept {
  return state_ != nullptr ? state_->handle : invalid_socket;
}

address_family socket::family() const noexcept {
  return state_ != nullptr ? state_->family : address_family::ipv4;
}

protocol socket::transport() const noexcept {
  return state_ != nullptr ? state_->transport : protocol::tcp;
}

std::error_code socket::bind(const endpoint& local) noexcept {
  if (state_ == nullptr) return make_error_code(errc::not_a_socket);
  if (local.family() != state_->family) return make_error_code(errc::address_family_not_supported);
  return detail::os::bind(state_->handle, local);
}

std::error_code socket::listen(int backlog) noexcept {
  if (state_ == nullptr) return make_error_code(errc::not_a_socket);
  const detail::call_lock guard(*state_);
  if (!state_->is_tcp()) return make_error_code(errc::operation_not_supported);
  if (state_->stage != connection_stage::idle && state_->stage != connection_stage::listening) {
    return make_error_code(detail::misuse::listen_in_wrong_stage);
  }
  if (std::error_code ec = detail::os::listen(state_->handle, backlog)) return ec;
  state_->stage = connection_stage::listening;
  if (state_->reg != nullptr) state_->reg->owner->on_transition(*state_->reg);
  return {};
}

std::error_code socket::connect(const endpoint& remote) noexcept {
  if (state_ == nullptr) return make_error_code(errc::not_a_socket);
  const detail::call_lock guard(*state_);
  socket_state& s = *state_;
  if (remote.family() != s.family) return make_error_code(errc::address_family_not_supported);
  if (!s.is_tcp()) return detail::os::connect(s.handle, remote);
  // Without a poller nothing else learns that an attempt has ended: ask now, so that a second
  // connect says already_connected (or that the attempt failed), as recv and send would.
  detail::refresh_connect(s);
  switch (s.stage) {
    case connection_stage::connecting:
      return make_error_code(errc::connection_in_progress);
    case connection_stage::connected:
      return make_error_code(errc::already_connected);
    case connection_stage::failed:  // portable code opens a new socket (docs/semantics.md, rule 4)
      return make_error_code(detail::misuse::connect_after_failure);
    case connection_stage::listening:
      return make_error_code(detail::misuse::connect_on_listener);
    case connection_stage::idle:
      break;
  }
  std::error_code ec = detail::os::connect(s.handle, remote);
  if (ec && detail::is_misuse(ec)) return ec;
  s.connected_by_connect = true;
  if (!ec) {
    s.stage = connection_stage::connected;
  } else if (detail::os::connect_pending(ec)) {
    s.stage = connection_stage::connecting;
  } else {
    // Failed at once (refused on loopback, unreachable): reported as the connect event,
    // exactly like a failure that comes later.
    s.stage = connection_stage::failed;
    s.connect_error = ec;
  }
  if (s.reg != nullptr) s.reg->owner->on_transition(*s.reg);
  return {};
}

socket socket::accept(std::error_code& ec) noexcept {
  endpoint ignored;
  return accept(ignored, ec);
}

socket socket::accept(endpoint& peer, std::error_code& ec) noexcept {
  if (!detail::open_or_fail(state_, ec)) return {};
  const detail::call_lock guard(*state_);
  if (state_->stage != connection_stage::listening) {
    detail::fail(ec, detail::misuse::accept_not_listening);
    return {};
  }
  ec = detail::take_injected_accept_failure();
  const native_socket handle = ec ? invalid_socket : detail::os::accept(state_->handle, &peer, ec);
  detail::poller_core::reenable(*state_, event::accept);
  detail::poller_core::clear(*state_, event::accept);  // C52; recorded again if more wait
  if (state_->reg != nullptr) state_->reg->owner->on_accept(*state_->reg, {0, 0, {}, ec});
  if (ec) return {};
  auto* accepted = new (std::nothrow) socket_state;
  if (accepted == nullptr) {
    (void)detail::os::close(handle);
    ec = make_error_code(errc::no_buffer_space);
    return {};
  }
  accepted->handle = handle;
  accepted->family = state_->family;
  accepted->transport = protocol::tcp;
  accepted->stage = connection_stage::connected;
  accepted->oob_inline = state_->oob_inline;  // the OS copies SO_OOBINLINE to it
  return socket(accepted);
}

std::size_t socket::recv(void* data,
                         std::size_t size,
                         std::error_code& ec,
                         message_flags flags) noexcept {
  if (!detail::open_or_fail(state_, ec)) return 0;
  const detail::call_lock guard(*state_);
  // Argument errors re-enable nothing (C29 step 7: a recv failing with WSAEFAULT).
  if (data == nullptr || size == 0) return detail::fail(ec, detail::misuse::no_buffer);
  socket_state& s = *state_;
  if (!s.is_tcp()) {
    endpoint ignored;
    return recv_from_impl(data, size, flags, ignored, ec);
  }
  if ((ec = detail::stream_ready(s, s.receive_shut))) return 0;
  const std::size_t n = detail::os::recv(s.handle, data, size, flags, ec);
  detail::note_stream_result(s, n, flags, ec);
  return detail::finish_recv(s, n, size, flags, ec);
}

std::size_t socket::send(const void* data,
                         std::size_t size,
                         std::error_code& ec,
                         message_flags flags) noexcept {
  if (!detail::open_or_fail(state_, ec)) return 0;
  const detail::call_lock guard(*state_);
  if (data == nullptr && size != 0) return detail::fail(ec, detail::misuse::no_buffer);
  socket_state& s = *state_;
  if (s.is_tcp()) {
    if ((ec = detail::stream_ready(s, s.send_shut))) return 0;
    if ((ec = s.sticky_error)) return 0;  // the connection is gone (C39)
  } else if (s.send_shut) {
    return detail::fail(ec, errc::shut_down);
  }
  const std::size_t n = detail::os::send(s.handle, data, size, flags, ec);
  if (s.is_tcp() && detail::is_connection_lost(ec)) detail::note_connection_lost(s, ec);
  return detail::finish_send(s, n, size, flags, ec);
}

std::size_t socket::recv_from(void* data,
                              std::size_t size,
                              endpoint& from,
                              std::error_code& ec) noexcept {
  if (!detail::open_or_fail(state_, ec)) return 0;
  const detail::call_lock guard(*state_);
  if (state_->is_tcp()) return detail::fail(ec, errc::operation_not_supported);
  if (data == nullptr || size == 0) return detail::fail(ec, detail::misuse::no_buffer);
  return recv_from_impl(data, size, message_flags::none, from, ec);
}

std::size_t socket::recv_from_impl(void* data,
                                   std::size_t size,
                                   message_flags flags,
                                   endpoint& from,
                                   std::error_code& ec) noexcept {
  if (state_->receive_shut) return detail::fail(ec, errc::shut_down);
  const std::size_t n = detail::os::recv_from(state_->handle, data, size, flags, from, ec);
  return detail::finish_recv(*state_, n, size, flags, ec);
}

std::size_t socket::send_to(const void* data,
                            std::size_t size,
                            const endpoint& to,
                            std::error_code& ec) noexcept {
  if (!detail::open_or_fail(state_, ec)) return 0;
  const detail::call_lock guard(*state_);
  if (state_->is_tcp()) return detail::fail(ec, errc::operation_not_supported);
  if (data == nullptr && size != 0) return detail::fail(ec, detail::misuse::no_buffer);
  if (to.family() != state_->family) return detail::fail(ec, errc::address_family_not_supported);
  if (state_->send_shut) return detail::fail(ec, errc::shut_down);
  const std::size_t n = detail::os::send_to(state_->handle, data, size, to, ec);
  return detail::finish_send(*state_, n, size, message_flags::none, ec);
}

std::size_t socket::available(std::error_code& ec) const noexcept {
  if (!detail::open_or_fail(state_, ec)) return 0;
  return detail::os::available(state_->handle, ec);
}

std::error_code socket::shutdown(shutdown_mode how) noexcept {
  if (state_ == nullptr) return make_error_code(errc::not_a_socket);
  const detail::call_lock guard(*state_);
  socket_state& s = *state_;
  if (s.is_tcp()) {
    detail::refresh_connect(s);
    if (s.stage != connection_stage::connected) return make_error_code(errc::not_connected);
  }
  if (how != shutdown_mode::receive && !s.send_shut) {
    // UDP has no FIN to send: evsel only refuses later sends (Linux would half-close the
    // socket and then fail sends with a raw EPIPE).
    if (s.is_tcp()) {
      if (std::error_code ec = detail::os::shutdown_send(s.handle)) return ec;
    }
    s.send_shut = true;
  }
  // The receive direction is emulated on every backend: the OS calls differ too much
  // (Windows resets the peer on later data, Linux makes the socket look closed, Wine loses
  // the peer's close: C34), so evsel refuses recv and discards what still arrives.
  if (how != shutdown_mode::send) {
    s.receive_shut = true;
    detail::poller_core::clear(s, event::read | event::oob);
  }
  if (s.reg != nullptr) s.reg->owner->on_transition(*s.reg);
  return {};
}

std::error_code socket::close() noexcept {
  if (state_ == nullptr) return {};
  socket_state* s = std::exchange(state_, nullptr);
  {
    const detail::call_lock guard(*s);  // let go of before s is freed
    if (s->reg != nullptr) s->reg->owner->detach(*s->reg);
  }
  const std::error_code ec = detail::os::close(s->handle);
  delete s;
  return ec;
}

endpoint socket::local_endpoint(std::error_code& ec) const noexcept {
  if (!detail::open_or_fail(state_, ec)) return {};
  return detail::os::local_endpoint(state_->handle, ec);
}

endpoint socket::remote_endpoint(std::error_code& ec) const noexcept {
  if (!detail::open_or_fail(state_, ec)) return {};
  return detail::os::remote_endpoint(state_->handle, ec);
}

}  // namespace evsel
