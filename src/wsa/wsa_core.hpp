// SPDX-License-Identifier: MIT
// evsel-wsa: the layer's runtime, in evsel's types. The Winsock entry points (wsa_api_*.cpp,
// which see only the layer's <winsock2.h>) translate Windows structures and constants into
// these calls; the runtime (wsa_*.cpp, which see POSIX and evsel but never <winsock2.h>)
// keeps the sockets, the event objects and the pump. The two sides cannot include each
// other's headers (both define struct sockaddr), so this file uses neither.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include <evsel/endpoint.hpp>
#include <evsel/events.hpp>
#include <evsel/socket.hpp>

#include "wsa_codes.hpp"

namespace evsel::wsa {

// SOCKET values: never reused in a process (a counter in steps of 4, as Windows hands out
// handles), so a stale handle is WSAENOTSOCK and never someone else's socket.
using socket_handle = std::uintptr_t;
inline constexpr socket_handle invalid_socket_handle = ~socket_handle{0};
// WSAEVENT values: opaque, validated on every call (WSA_INVALID_HANDLE otherwise).
using event_handle = void*;

// Every call below returns 0 on success or a Winsock code (wsa_codes.hpp); the entry point
// stores it with set_last_error and returns SOCKET_ERROR (or FALSE, INVALID_SOCKET, ...).

// ---- process ---------------------------------------------------------------------------
// WSAStartup/WSACleanup, counted. Until the first startup (and after the last cleanup)
// every other call fails with WSANOTINITIALISED, as on Windows. The last cleanup closes the
// sockets still open and stops the pump.
int startup() noexcept;
int cleanup() noexcept;
// WSAGetLastError / WSASetLastError: per thread.
int last_error() noexcept;
void set_last_error(int code) noexcept;

// ---- sockets ---------------------------------------------------------------------------
int open_socket(address_family family, protocol proto, socket_handle& out) noexcept;
int close_socket(socket_handle s) noexcept;
int bind(socket_handle s, const endpoint& local) noexcept;
int listen(socket_handle s, int backlog) noexcept;
// A blocking listener blocks until a connection comes (SO_RCVTIMEO does not bound it, as on
// Windows). The new socket inherits the listener's selection (event object and mask) and its
// blocking mode, as Windows does.
int accept(socket_handle s, socket_handle& out, endpoint& peer) noexcept;
// Blocking: waits for the outcome (WSAECONNREFUSED, WSAETIMEDOUT, ...). Non-blocking:
// WSAEWOULDBLOCK when the attempt started (never WSAEINPROGRESS), the outcome comes as
// FD_CONNECT.
int connect(socket_handle s, const endpoint& remote) noexcept;
int recv(socket_handle s,
         void* data,
         std::size_t size,
         message_flags flags,
         std::size_t& received) noexcept;
int send(socket_handle s,
         const void* data,
         std::size_t size,
         message_flags flags,
         std::size_t& sent) noexcept;
int recv_from(
    socket_handle s, void* data, std::size_t size, endpoint& from, std::size_t& received) noexcept;
int send_to(socket_handle s,
            const void* data,
            std::size_t size,
            const endpoint& to,
            std::size_t& sent) noexcept;
int shutdown(socket_handle s, shutdown_mode how) noexcept;
int local_endpoint(socket_handle s, endpoint& out) noexcept;
int remote_endpoint(socket_handle s, endpoint& out) noexcept;
// The family and transport given to open_socket (for getsockname's buffer checks, SO_TYPE).
int socket_kind(socket_handle s, address_family& family, protocol& proto) noexcept;
// ioctlsocket(FIONBIO): WSAEINVAL when asked to block while selected (WSAEventSelect with a
// mask), as Windows.
int set_blocking(socket_handle s, bool blocking) noexcept;
// ioctlsocket(FIONREAD).
int bytes_available(socket_handle s, std::size_t& out) noexcept;

// The socket options the layer knows, by meaning (the entry point maps SOL_SOCKET/SO_*,
// IPPROTO_TCP/TCP_NODELAY, ... to these).
enum class option : std::uint8_t {
  reuse_address,    // SO_REUSEADDR (bool)
  no_delay,         // TCP_NODELAY (bool)
  send_buffer,      // SO_SNDBUF (int bytes)
  receive_buffer,   // SO_RCVBUF (int bytes)
  linger,           // SO_LINGER (on, seconds)
  dont_linger,      // SO_DONTLINGER (bool: the opposite of linger's on)
  oob_inline,       // SO_OOBINLINE (bool)
  keep_alive,       // SO_KEEPALIVE (bool)
  receive_timeout,  // SO_RCVTIMEO (int milliseconds, 0 = none): bounds blocking receives
  send_timeout,     // SO_SNDTIMEO (int milliseconds, 0 = none): bounds blocking sends
  error,            // SO_ERROR (get only: the last connect failure, then 0)
  type,             // SO_TYPE (get only: 1 stream, 2 datagram)
  accepting,        // SO_ACCEPTCONN (get only: listening)
};
struct option_value {
  int number = 0;   // bools as 0/1, sizes, milliseconds, SO_ERROR's code, SO_TYPE
  int seconds = 0;  // linger only
};
int set_option(socket_handle s, option which, const option_value& value) noexcept;
int get_option(socket_handle s, option which, option_value& value) noexcept;

// ---- event objects ---------------------------------------------------------------------
// Manual-reset, unsignalled at creation (WSACreateEvent).
int create_event(event_handle& out) noexcept;
int close_event(event_handle e) noexcept;
int set_event(event_handle e) noexcept;
int reset_event(event_handle e) noexcept;

// WSAEventSelect: `e` may be null only with an empty mask (deselection). Makes the socket
// non-blocking; replaces an earlier selection; keeps what was recorded (Windows neither
// clears the record nor resets the old event).
int event_select(socket_handle s, event_handle e, event mask) noexcept;
// WSAEnumNetworkEvents: the recorded events of the current mask, each with its Winsock code
// (indexed by FD_*_BIT), taken and cleared in one step together with resetting `e` (which
// may be null: then no event is reset).
int enum_network_events(socket_handle s,
                        event_handle e,
                        event& occurred,
                        int (&codes)[event_bit_count]) noexcept;

// WSAWaitForMultipleEvents. On success `index` is the lowest signalled index (wait any) or
// 0 (wait all, once all were signalled at the same moment). Returns 0, wsa_wait_timeout,
// or an error (WSA_INVALID_PARAMETER for a count outside 1..64 or a null array,
// WSA_INVALID_HANDLE for an unknown event). A negative timeout waits forever.
inline constexpr int wsa_wait_timeout = -1;
int wait_for_events(const event_handle* events,
                    std::size_t count,
                    bool wait_all,
                    std::chrono::milliseconds timeout,
                    std::size_t& index) noexcept;

}  // namespace evsel::wsa
