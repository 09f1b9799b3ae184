// SPDX-License-Identifier: MIT
// evsel-wsa: WSAStartup, WSACleanup, WSAGetLastError and WSASetLastError.
#include <cstdio>
#include <cstring>

#include <winsock2.h>

#include <evsel/version.hpp>

#include "wsa_api.hpp"
#include "wsa_core.hpp"

namespace code = evsel::wsa::code;

// The header's values are the ones the runtime returns.
static_assert(WSA_INVALID_HANDLE == code::invalid_handle);
static_assert(WSA_NOT_ENOUGH_MEMORY == code::not_enough_memory);
static_assert(WSA_INVALID_PARAMETER == code::invalid_parameter);
static_assert(WSAEINTR == code::interrupted);
static_assert(WSAEBADF == code::bad_handle);
static_assert(WSAEACCES == code::access_denied);
static_assert(WSAEFAULT == code::fault);
static_assert(WSAEINVAL == code::invalid_argument);
static_assert(WSAEMFILE == code::too_many_open);
static_assert(WSAEWOULDBLOCK == code::would_block);
static_assert(WSAEINPROGRESS == code::in_progress);
static_assert(WSAEALREADY == code::already);
static_assert(WSAENOTSOCK == code::not_socket);
static_assert(WSAEDESTADDRREQ == code::destination_required);
static_assert(WSAEMSGSIZE == code::message_size);
static_assert(WSAEPROTOTYPE == code::protocol_type);
static_assert(WSAENOPROTOOPT == code::no_protocol_option);
static_assert(WSAEPROTONOSUPPORT == code::protocol_not_supported);
static_assert(WSAESOCKTNOSUPPORT == code::socket_type_not_supported);
static_assert(WSAEOPNOTSUPP == code::operation_not_supported);
static_assert(WSAEAFNOSUPPORT == code::family_not_supported);
static_assert(WSAEADDRINUSE == code::address_in_use);
static_assert(WSAEADDRNOTAVAIL == code::address_not_available);
static_assert(WSAENETDOWN == code::network_down);
static_assert(WSAENETUNREACH == code::network_unreachable);
static_assert(WSAENETRESET == code::network_reset);
static_assert(WSAECONNABORTED == code::connection_aborted);
static_assert(WSAECONNRESET == code::connection_reset);
static_assert(WSAENOBUFS == code::no_buffer_space);
static_assert(WSAEISCONN == code::is_connected);
static_assert(WSAENOTCONN == code::not_connected);
static_assert(WSAESHUTDOWN == code::shut_down);
static_assert(WSAETIMEDOUT == code::timed_out);
static_assert(WSAECONNREFUSED == code::connection_refused);
static_assert(WSAEHOSTUNREACH == code::host_unreachable);
static_assert(WSASYSNOTREADY == code::system_not_ready);
static_assert(WSAVERNOTSUPPORTED == code::version_not_supported);
static_assert(WSANOTINITIALISED == code::not_initialised);
// The event bits are evsel's own (events.hpp says so; the entry points pass masks through).
static_assert(FD_READ == static_cast<int>(evsel::event::read));
static_assert(FD_WRITE == static_cast<int>(evsel::event::write));
static_assert(FD_OOB == static_cast<int>(evsel::event::oob));
static_assert(FD_ACCEPT == static_cast<int>(evsel::event::accept));
static_assert(FD_CONNECT == static_cast<int>(evsel::event::connect));
static_assert(FD_CLOSE == static_cast<int>(evsel::event::close));
static_assert(FD_CLOSE_BIT + 1 == static_cast<int>(evsel::event_bit_count));

namespace {

// What Windows grants for a request: 1.0 and 1.1 as asked (1.x above that gets 1.1), 2.0 to
// 2.2 as asked, anything newer 2.2.
WORD granted_version(WORD requested) noexcept {
  const BYTE major = LOBYTE(requested);
  const BYTE minor = HIBYTE(requested);
  if (major == 1) return MAKEWORD(1, minor > 1 ? 1 : minor);
  if (major == 2) return MAKEWORD(2, minor > 2 ? 2 : minor);
  return MAKEWORD(2, 2);
}

void describe(WSADATA& data, WORD version) noexcept {
  std::memset(&data, 0, sizeof data);
  data.wVersion = version;
  data.wHighVersion = MAKEWORD(2, 2);
  // Version 1 programs may size things by these; version 2 ones are told to ignore them.
  if (LOBYTE(version) == 1) {
    data.iMaxSockets = 32767;
    data.iMaxUdpDg = 65467;
  }
  std::snprintf(data.szDescription, sizeof data.szDescription, "evsel-wsa %s",
                EVSEL_VERSION_STRING);
  std::snprintf(data.szSystemStatus, sizeof data.szSystemStatus, "Running");
}

}  // namespace

// WSAStartup returns its error instead of storing it (WSAGetLastError may not work yet).
extern "C" int WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData) {
  if (lpWSAData == nullptr) return WSAEFAULT;
  if (LOBYTE(wVersionRequested) == 0) {
    describe(*lpWSAData, MAKEWORD(2, 2));
    return WSAVERNOTSUPPORTED;
  }
  describe(*lpWSAData, granted_version(wVersionRequested));
  return evsel::wsa::startup();
}

extern "C" int WSACleanup(void) {
  const int rc = evsel::wsa::cleanup();
  return rc == 0 ? 0 : evsel::wsa::api::fail(rc);
}

extern "C" int WSAGetLastError(void) {
  return evsel::wsa::last_error();
}

extern "C" void WSASetLastError(int iError) {
  evsel::wsa::set_last_error(iError);
}
