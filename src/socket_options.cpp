// SPDX-License-Identifier: MIT
// evsel: evsel::socket's options (SO_*, TCP_NODELAY and keep-alive).
#include <chrono>

#include <evsel/error.hpp>
#include <evsel/socket.hpp>

#include "engine.hpp"
#include "misuse.hpp"
#include "os.hpp"
#include "socket_state.hpp"

namespace evsel {
namespace {

using detail::os::option;

// Keep-alive limits that every OS takes: Linux refuses TCP_KEEPIDLE and TCP_KEEPINTVL above
// 32767 s and TCP_KEEPCNT above 127 (Windows allows 255 probes); below 1 s there is no
// timing to set.
constexpr std::chrono::seconds min_keep_alive_time{1};
constexpr std::chrono::seconds max_keep_alive_time{32767};
constexpr unsigned max_keep_alive_probes = 127;

bool valid_keep_alive_time(std::chrono::seconds t) noexcept {
  return t >= min_keep_alive_time && t <= max_keep_alive_time;
}

// Options of TCP connections: an empty socket first, then the kind of socket, then the
// arguments, so that a UDP socket gets the same answer whatever the arguments.
std::error_code tcp_only(const detail::socket_state* s) noexcept {
  if (s == nullptr) return make_error_code(errc::not_a_socket);
  if (!s->is_tcp()) return make_error_code(errc::operation_not_supported);
  return {};
}

std::error_code set(detail::socket_state* s, option which, int value) noexcept {
  if (s == nullptr) return make_error_code(errc::not_a_socket);
  return detail::os::set_option(s->handle, which, value);
}

int get(const detail::socket_state* s, option which, std::error_code& ec) noexcept {
  ec.clear();
  if (s == nullptr) {
    ec = make_error_code(errc::not_a_socket);
    return 0;
  }
  return detail::os::get_option(s->handle, which, ec);
}

}  // namespace

std::error_code socket::set_reuse_address(bool enabled) noexcept {
  return set(state_, option::reuse_address, enabled ? 1 : 0);
}

std::error_code socket::set_no_delay(bool enabled) noexcept {
  if (state_ != nullptr && !state_->is_tcp()) return make_error_code(errc::operation_not_supported);
  return set(state_, option::no_delay, enabled ? 1 : 0);
}

bool socket::no_delay(std::error_code& ec) const noexcept {
  return get(state_, option::no_delay, ec) != 0;
}

std::error_code socket::set_send_buffer_size(int bytes) noexcept {
  if (bytes <= 0) return make_error_code(detail::misuse::buffer_size);
  return set(state_, option::send_buffer, bytes);
}

std::error_code socket::set_receive_buffer_size(int bytes) noexcept {
  if (bytes <= 0) return make_error_code(detail::misuse::buffer_size);
  return set(state_, option::receive_buffer, bytes);
}

int socket::send_buffer_size(std::error_code& ec) const noexcept {
  return get(state_, option::send_buffer, ec);
}

int socket::receive_buffer_size(std::error_code& ec) const noexcept {
  return get(state_, option::receive_buffer, ec);
}

std::error_code socket::set_linger(bool enabled, std::chrono::seconds timeout) noexcept {
  if (state_ == nullptr) return make_error_code(errc::not_a_socket);
  if (timeout.count() < 0 || timeout.count() > 65535) {
    return make_error_code(detail::misuse::linger_range);
  }
  // A lingering close blocks until the data is out or the time is up (POSIX), or fails with
  // would-block and leaves the socket open (Windows, for a non-blocking socket): neither
  // fits a socket that never blocks, so the one behaviour on every backend is to refuse it.
  if (enabled && timeout.count() > 0) return make_error_code(detail::misuse::lingering_close);
  return detail::os::set_linger(state_->handle, enabled, timeout);
}

std::error_code socket::set_oob_inline(bool enabled) noexcept {
  if (state_ != nullptr && !state_->is_tcp()) return make_error_code(errc::operation_not_supported);
  const std::error_code ec = set(state_, option::oob_inline, enabled ? 1 : 0);
  if (!ec) {
    const detail::call_lock guard(*state_);  // the backend reads the flag
    state_->oob_inline = enabled;
    // Whether oob can be recorded changed (never_recorded): the backend asks the OS anew.
    if (state_->reg != nullptr) state_->reg->owner->on_transition(*state_->reg);
  }
  return ec;
}

bool socket::oob_inline(std::error_code& ec) const noexcept {
  return get(state_, option::oob_inline, ec) != 0;
}

std::error_code socket::set_keep_alive(bool enabled) noexcept {
  if (const std::error_code ec = tcp_only(state_)) return ec;
  return set(state_, option::keep_alive, enabled ? 1 : 0);
}

std::error_code socket::set_keep_alive(std::chrono::seconds idle,
                                       std::chrono::seconds interval,
                                       unsigned probes) noexcept {
  if (const std::error_code ec = tcp_only(state_)) return ec;
  // Checked before any OS call: a value one OS refuses would otherwise leave the values set
  // before it changed there, and pass unchecked elsewhere.
  if (!valid_keep_alive_time(idle) || !valid_keep_alive_time(interval) || probes < 1 ||
      probes > max_keep_alive_probes) {
    return make_error_code(detail::misuse::keep_alive_timing);
  }
  return detail::os::set_keep_alive(state_->handle, idle, interval, probes);
}

bool socket::keep_alive(std::error_code& ec) const noexcept {
  if ((ec = tcp_only(state_))) return false;
  return get(state_, option::keep_alive, ec) != 0;
}

}  // namespace evsel
