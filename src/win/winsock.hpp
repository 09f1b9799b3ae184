// SPDX-License-Identifier: MIT
// evsel: the one place src/win includes the Winsock and Windows headers.
#pragma once

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <type_traits>

// clang-format off
// Order matters: winsock2.h before anything that could pull in the old winsock.h.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
// clang-format on

#include <system_error>

#include <evsel/events.hpp>
#include <evsel/socket.hpp>

#include "../native_errors.hpp"

// The public headers spell SOCKET and the FD_* bits without <winsock2.h>; check them here.
static_assert(std::is_same_v<evsel::native_socket, SOCKET>, "native_socket must be SOCKET");
static_assert(evsel::invalid_socket == INVALID_SOCKET, "invalid_socket must be INVALID_SOCKET");
static_assert(static_cast<long>(evsel::event::read) == FD_READ);
static_assert(static_cast<long>(evsel::event::write) == FD_WRITE);
static_assert(static_cast<long>(evsel::event::oob) == FD_OOB);
static_assert(static_cast<long>(evsel::event::accept) == FD_ACCEPT);
static_assert(static_cast<long>(evsel::event::connect) == FD_CONNECT);
static_assert(static_cast<long>(evsel::event::close) == FD_CLOSE);
static_assert(evsel::bit_index(evsel::event::close) == FD_CLOSE_BIT);
static_assert(evsel::bit_index(evsel::event::connect) == FD_CONNECT_BIT);

namespace evsel::detail {

// The calling thread's last Winsock error, as a code in native_category().
inline std::error_code last_socket_error() noexcept {
  return native_error(WSAGetLastError());
}

}  // namespace evsel::detail
