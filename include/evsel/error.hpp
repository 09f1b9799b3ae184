// SPDX-License-Identifier: MIT
// evsel: portable error conditions (evsel::errc) and the categories behind them.
#pragma once

#include <system_error>
#include <type_traits>

#include <evsel/export.hpp>

namespace evsel {

/// Portable error conditions. Compare any std::error_code that evsel hands out with them:
/// `if (ec == evsel::errc::connection_refused)` holds on every backend and toolchain.
///
/// Codes that come from the OS keep their native value (errno on POSIX, the Winsock code on
/// Windows) so logs show what the OS said; only the comparison is portable. Codes that evsel
/// itself produces (misuse, bookkeeping) are in evsel::error_category().
enum class errc {
  would_block = 1,         ///< Nothing to do now; wait for the matching event.
  connection_refused,      ///< No one listens at the address (connect event).
  connection_reset,        ///< The peer reset the connection (close event, recv, send).
  connection_aborted,      ///< The connection was aborted: by the local stack, or by a reset that
                           ///< answered data sent after the peer closed (C48).
  timed_out,               ///< A connect attempt or a connection timed out (keep-alive:
                           ///< socket::set_keep_alive).
  network_unreachable,     ///< No route to the network (connect event).
  host_unreachable,        ///< No route to the host (connect event).
  network_down,            ///< The network subsystem failed.
  not_connected,           ///< The socket is not (yet) connected.
  already_connected,       ///< connect on a connected socket.
  connection_in_progress,  ///< connect while an attempt is still in progress.
  shut_down,               ///< The direction was shut down with socket::shutdown.
  message_size,            ///< A datagram did not fit the buffer (it is discarded).
  address_in_use,          ///< bind: the address is taken.
  address_not_available,   ///< bind/connect: the address is not local or not valid.
  address_family_not_supported,  ///< The endpoint's family does not match the socket.
  no_buffer_space,               ///< The OS is out of buffers or the call exceeds a limit.
  too_many_files_open,           ///< Descriptor or handle limit reached.
  access_denied,                 ///< The OS refused the operation (for example a privileged port).
  operation_not_supported,       ///< The operation does not apply to this kind of socket.
  not_a_socket,        ///< The evsel::socket is empty or closed, or the handle is invalid.
  invalid_argument,    ///< A malformed argument: null buffer, bad mask, bad endpoint text.
  not_registered,      ///< The socket is not registered with this poller.
  already_registered,  ///< The socket is already registered (with this or another poller).
};

/// The category of evsel's conditions and of the codes evsel itself produces.
EVSEL_EXPORT const std::error_category& error_category() noexcept;

/// The category of OS error codes produced by evsel. On POSIX it is std::system_category().
/// On Windows it is a Winsock category: its messages come from the OS and its
/// default_error_condition maps Winsock codes to std::errc, which MinGW's own
/// std::system_category() does not do. `ec == std::errc::connection_refused` therefore
/// holds wherever a std::errc counterpart exists.
EVSEL_EXPORT const std::error_category& native_category() noexcept;

/// A condition to compare against: `ec == make_error_condition(errc::would_block)`.
inline std::error_condition make_error_condition(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

/// A code produced by evsel itself (misuse and bookkeeping failures).
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

}  // namespace evsel

namespace std {
template <>
struct is_error_condition_enum<evsel::errc> : true_type {};
}  // namespace std
