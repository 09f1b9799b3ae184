// SPDX-License-Identifier: MIT
// evsel-wsa: evsel's error codes in Winsock's numbers.
#include <cerrno>
#include <system_error>

#include <evsel/error.hpp>

#include "wsa_runtime.hpp"

namespace evsel::wsa {

namespace {

struct condition_code {
  evsel::errc condition;
  int wsa;
};

// evsel's portable conditions hold on every backend, whatever the OS said underneath.
constexpr condition_code by_condition[] = {
    {errc::would_block, code::would_block},
    {errc::connection_refused, code::connection_refused},
    {errc::connection_reset, code::connection_reset},
    {errc::connection_aborted, code::connection_aborted},
    {errc::timed_out, code::timed_out},
    {errc::network_unreachable, code::network_unreachable},
    {errc::host_unreachable, code::host_unreachable},
    {errc::network_down, code::network_down},
    {errc::not_connected, code::not_connected},
    {errc::already_connected, code::is_connected},
    // A second connect while the first attempt runs: Winsock says WSAEALREADY.
    {errc::connection_in_progress, code::already},
    {errc::shut_down, code::shut_down},
    {errc::message_size, code::message_size},
    {errc::address_in_use, code::address_in_use},
    {errc::address_not_available, code::address_not_available},
    {errc::address_family_not_supported, code::family_not_supported},
    {errc::no_buffer_space, code::no_buffer_space},
    {errc::too_many_files_open, code::too_many_open},
    {errc::access_denied, code::access_denied},
    {errc::operation_not_supported, code::operation_not_supported},
    {errc::not_a_socket, code::not_socket},
    {errc::invalid_argument, code::invalid_argument},
    {errc::not_registered, code::invalid_argument},
    {errc::already_registered, code::invalid_argument},
};

struct errno_code {
  int posix;
  int wsa;
};

// OS codes without an evsel condition.
constexpr errno_code by_errno[] = {
    {EINTR, code::interrupted},
    {EBADF, code::bad_handle},
    {EFAULT, code::fault},
    {EDESTADDRREQ, code::destination_required},
    {EPROTOTYPE, code::protocol_type},
    {ENOPROTOOPT, code::no_protocol_option},
    {EPROTONOSUPPORT, code::protocol_not_supported},
    {ENETRESET, code::network_reset},
    {EPIPE, code::shut_down},
    {ENOMEM, code::no_buffer_space},
    {EINPROGRESS, code::would_block},
    {EALREADY, code::already},
};

}  // namespace

int to_wsa(const std::error_code& ec) noexcept {
  if (!ec) return 0;
  for (const auto& entry : by_condition) {
    if (ec == entry.condition) return entry.wsa;
  }
  if (ec.category() == std::system_category() || ec.category() == std::generic_category()) {
    for (const auto& entry : by_errno) {
      if (ec.value() == entry.posix) return entry.wsa;
    }
  }
  // Something no Winsock code names: WSAEINVAL says "the call failed" without claiming a
  // network condition that did not happen.
  return code::invalid_argument;
}

// Windows reports a reset, and a connection the stack gave up on (keep-alive), as
// FD_CLOSE with WSAECONNABORTED; recv afterwards says WSAECONNRESET (or WSAETIMEDOUT).
int close_code(const std::error_code& ec) noexcept {
  if (!ec) return 0;
  if (ec == errc::network_down) return code::network_down;
  return code::connection_aborted;
}

}  // namespace evsel::wsa
