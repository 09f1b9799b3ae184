// SPDX-License-Identifier: MIT
// evsel: evsel::socket's options (SO_* and TCP_NODELAY).
#include <evsel/error.hpp>
#include <evsel/socket.hpp>

#include "engine.hpp"
#include "os.hpp"
#include "socket_state.hpp"

namespace evsel {
namespace {

using detail::os::option;

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
  if (bytes <= 0) return make_error_code(errc::invalid_argument);
  return set(state_, option::send_buffer, bytes);
}

std::error_code socket::set_receive_buffer_size(int bytes) noexcept {
  if (bytes <= 0) return make_error_code(errc::invalid_argument);
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
  if (timeout.count() < 0 || timeout.count() > 65535)
    return make_error_code(errc::invalid_argument);
  return detail::os::set_linger(state_->handle, enabled, timeout);
}

std::error_code socket::set_oob_inline(bool enabled) noexcept {
  if (state_ != nullptr && !state_->is_tcp()) return make_error_code(errc::operation_not_supported);
  const std::error_code ec = set(state_, option::oob_inline, enabled ? 1 : 0);
  if (!ec) {
    const detail::socket_call_lock guard(*state_);  // the backend reads the flag
    state_->oob_inline = enabled;
  }
  return ec;
}

bool socket::oob_inline(std::error_code& ec) const noexcept {
  return get(state_, option::oob_inline, ec) != 0;
}

}  // namespace evsel
