// SPDX-License-Identifier: MIT
// evsel-wsa: the Winsock error values the runtime returns. The layer's <winsock2.h> defines
// the same values under their Windows names; wsa_api_process.cpp checks that they agree.
#pragma once

namespace evsel::wsa::code {

inline constexpr int invalid_handle = 6;                 // WSA_INVALID_HANDLE
inline constexpr int not_enough_memory = 8;              // WSA_NOT_ENOUGH_MEMORY
inline constexpr int invalid_parameter = 87;             // WSA_INVALID_PARAMETER
inline constexpr int interrupted = 10004;                // WSAEINTR
inline constexpr int bad_handle = 10009;                 // WSAEBADF
inline constexpr int access_denied = 10013;              // WSAEACCES
inline constexpr int fault = 10014;                      // WSAEFAULT
inline constexpr int invalid_argument = 10022;           // WSAEINVAL
inline constexpr int too_many_open = 10024;              // WSAEMFILE
inline constexpr int would_block = 10035;                // WSAEWOULDBLOCK
inline constexpr int in_progress = 10036;                // WSAEINPROGRESS
inline constexpr int already = 10037;                    // WSAEALREADY
inline constexpr int not_socket = 10038;                 // WSAENOTSOCK
inline constexpr int destination_required = 10039;       // WSAEDESTADDRREQ
inline constexpr int message_size = 10040;               // WSAEMSGSIZE
inline constexpr int protocol_type = 10041;              // WSAEPROTOTYPE
inline constexpr int no_protocol_option = 10042;         // WSAENOPROTOOPT
inline constexpr int protocol_not_supported = 10043;     // WSAEPROTONOSUPPORT
inline constexpr int socket_type_not_supported = 10044;  // WSAESOCKTNOSUPPORT
inline constexpr int operation_not_supported = 10045;    // WSAEOPNOTSUPP
inline constexpr int family_not_supported = 10047;       // WSAEAFNOSUPPORT
inline constexpr int address_in_use = 10048;             // WSAEADDRINUSE
inline constexpr int address_not_available = 10049;      // WSAEADDRNOTAVAIL
inline constexpr int network_down = 10050;               // WSAENETDOWN
inline constexpr int network_unreachable = 10051;        // WSAENETUNREACH
inline constexpr int network_reset = 10052;              // WSAENETRESET
inline constexpr int connection_aborted = 10053;         // WSAECONNABORTED
inline constexpr int connection_reset = 10054;           // WSAECONNRESET
inline constexpr int no_buffer_space = 10055;            // WSAENOBUFS
inline constexpr int is_connected = 10056;               // WSAEISCONN
inline constexpr int not_connected = 10057;              // WSAENOTCONN
inline constexpr int shut_down = 10058;                  // WSAESHUTDOWN
inline constexpr int timed_out = 10060;                  // WSAETIMEDOUT
inline constexpr int connection_refused = 10061;         // WSAECONNREFUSED
inline constexpr int host_unreachable = 10065;           // WSAEHOSTUNREACH
inline constexpr int system_not_ready = 10091;           // WSASYSNOTREADY
inline constexpr int version_not_supported = 10092;      // WSAVERNOTSUPPORTED
inline constexpr int not_initialised = 10093;            // WSANOTINITIALISED

}  // namespace evsel::wsa::code
