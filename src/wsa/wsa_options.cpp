// SPDX-License-Identifier: MIT
// evsel-wsa: the socket options the layer knows (wsa_core.hpp's option), through evsel.
#include <chrono>
#include <mutex>

#include "wsa_runtime.hpp"

namespace evsel::wsa {

namespace {

int set_linger(socket_entry& entry, bool on, int seconds) noexcept {
  // evsel refuses a linger with a timeout (its close never blocks): WSAEOPNOTSUPP says so
  // instead of a close that would quietly not wait (docs/wsa.md).
  if (const std::error_code ec = entry.sock.set_linger(on, std::chrono::seconds(seconds))) {
    return to_wsa(ec);
  }
  const std::lock_guard<std::mutex> lock(the_runtime().mutex);
  entry.linger_on = on;
  entry.linger_seconds = seconds;
  return 0;
}

// A buffer size that the OS took, kept for getsockopt.
int remember(int& kept, int value, const std::error_code& ec) noexcept {
  if (ec) return to_wsa(ec);
  const std::lock_guard<std::mutex> lock(the_runtime().mutex);
  kept = value;
  return 0;
}

}  // namespace

int set_option(socket_handle s, option which, const option_value& value) noexcept {
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  socket_entry& e = *entry;
  const bool on = value.number != 0;
  switch (which) {
    case option::reuse_address: {
      if (const std::error_code ec = e.sock.set_reuse_address(on)) return to_wsa(ec);
      const std::lock_guard<std::mutex> lock(the_runtime().mutex);
      e.reuse_address = on;
      return 0;
    }
    case option::no_delay:
      return to_wsa(e.sock.set_no_delay(on));
    case option::send_buffer:
      return remember(e.send_buffer_set, value.number, e.sock.set_send_buffer_size(value.number));
    case option::receive_buffer:
      return remember(e.receive_buffer_set, value.number,
                      e.sock.set_receive_buffer_size(value.number));
    case option::linger:
      return set_linger(e, on, on ? value.seconds : 0);
    case option::dont_linger:
      return set_linger(e, !on, 0);
    case option::oob_inline:
      return to_wsa(e.sock.set_oob_inline(on));
    case option::keep_alive:
      return to_wsa(e.sock.set_keep_alive(on));
    case option::receive_timeout:
      e.receive_timeout_ms.store(value.number < 0 ? 0 : value.number);
      return 0;
    case option::send_timeout:
      e.send_timeout_ms.store(value.number < 0 ? 0 : value.number);
      return 0;
    case option::error:
    case option::type:
    case option::accepting:
      break;
  }
  return code::no_protocol_option;  // read-only options
}

int get_option(socket_handle s, option which, option_value& value) noexcept {
  value = {};
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  socket_entry& e = *entry;
  std::error_code ec;
  switch (which) {
    case option::no_delay:
      value.number = e.sock.no_delay(ec) ? 1 : 0;
      return to_wsa(ec);
    case option::send_buffer:
    case option::receive_buffer: {
      {
        const std::lock_guard<std::mutex> lock(the_runtime().mutex);
        value.number = which == option::send_buffer ? e.send_buffer_set : e.receive_buffer_set;
      }
      if (value.number != 0) return 0;
      value.number = which == option::send_buffer ? e.sock.send_buffer_size(ec)
                                                  : e.sock.receive_buffer_size(ec);
      return to_wsa(ec);
    }
    case option::oob_inline:
      value.number = e.sock.oob_inline(ec) ? 1 : 0;
      return to_wsa(ec);
    case option::keep_alive:
      value.number = e.sock.keep_alive(ec) ? 1 : 0;
      return to_wsa(ec);
    case option::receive_timeout:
      value.number = e.receive_timeout_ms.load();
      return 0;
    case option::send_timeout:
      value.number = e.send_timeout_ms.load();
      return 0;
    case option::type:
      value.number = e.proto == protocol::tcp ? 1 : 2;  // SOCK_STREAM, SOCK_DGRAM
      return 0;
    default:
      break;
  }
  const std::lock_guard<std::mutex> lock(the_runtime().mutex);
  switch (which) {
    case option::reuse_address:
      value.number = e.reuse_address ? 1 : 0;
      return 0;
    case option::linger:
      value.number = e.linger_on ? 1 : 0;
      value.seconds = e.linger_seconds;
      return 0;
    case option::dont_linger:
      value.number = e.linger_on ? 0 : 1;
      return 0;
    case option::error:
      // Reading SO_ERROR clears it, as on Windows.
      value.number = e.pending_error;
      e.pending_error = 0;
      return 0;
    case option::accepting:
      value.number = e.listening ? 1 : 0;
      return 0;
    default:
      return code::no_protocol_option;
  }
}

}  // namespace evsel::wsa
