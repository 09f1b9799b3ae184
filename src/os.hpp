// SPDX-License-Identifier: MIT
// evsel: the thin OS-call layer each backend implements (src/win or src/posix).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include <evsel/endpoint.hpp>
#include <evsel/error.hpp>
#include <evsel/socket.hpp>

// Every sockaddr cast and every read of errno / WSAGetLastError happens behind these
// functions, so the common code (socket.cpp, poller.cpp) never sees an OS header.
// Failures come back as codes in evsel::native_category() with the OS's own value.
namespace evsel::detail::os {

std::error_code startup() noexcept;  // once per process (WSAStartup); no-op on POSIX

// A non-blocking socket; IPv6 sockets are IPv6-only.
native_socket open(address_family family, protocol transport, std::error_code& ec) noexcept;
std::error_code close(native_socket s) noexcept;

std::error_code bind(native_socket s, const endpoint& local) noexcept;
std::error_code listen(native_socket s, int backlog) noexcept;
// The raw result: empty, an in-progress code (see connect_pending), or a failure.
std::error_code connect(native_socket s, const endpoint& remote) noexcept;
// True for the codes a non-blocking connect returns while the attempt goes on.
bool connect_pending(const std::error_code& ec) noexcept;
// The accepted socket is non-blocking and selects nothing (Windows: the inherited
// WSAEventSelect association is cancelled, G7).
native_socket accept(native_socket s, endpoint* peer, std::error_code& ec) noexcept;

std::size_t recv(native_socket s,
                 void* data,
                 std::size_t size,
                 message_flags flags,
                 std::error_code& ec) noexcept;
std::size_t send(native_socket s,
                 const void* data,
                 std::size_t size,
                 message_flags flags,
                 std::error_code& ec) noexcept;
// Datagrams: one per call; a datagram larger than `size` fails with a message_size code
// (and is gone unless peeked). ICMP errors on UDP sockets are not reported (Windows' rule).
std::size_t recv_from(native_socket s,
                      void* data,
                      std::size_t size,
                      message_flags flags,
                      endpoint& from,
                      std::error_code& ec) noexcept;
std::size_t send_to(native_socket s,
                    const void* data,
                    std::size_t size,
                    const endpoint& to,
                    std::error_code& ec) noexcept;
std::error_code shutdown_send(native_socket s) noexcept;

std::size_t available(native_socket s, std::error_code& ec) noexcept;  // FIONREAD
// A listener has a connection to accept now (a zero-timeout poll; consumes nothing).
bool connection_queued(native_socket listener) noexcept;
// Reads and drops everything queued (data after shutdown(receive)); stops at would-block or
// the end of the stream. Returns the connection error it met, if any (reading consumed it).
std::error_code discard_input(native_socket s) noexcept;
std::error_code pending_error(native_socket s) noexcept;  // SO_ERROR (clears it)
bool connection_made(native_socket s) noexcept;  // the connection a connect began is established
endpoint local_endpoint(native_socket s, std::error_code& ec) noexcept;
endpoint remote_endpoint(native_socket s, std::error_code& ec) noexcept;

enum class option { reuse_address, no_delay, send_buffer, receive_buffer, oob_inline, keep_alive };
std::error_code set_option(native_socket s, option which, int value) noexcept;
int get_option(native_socket s, option which, std::error_code& ec) noexcept;
std::error_code set_linger(native_socket s, bool enabled, std::chrono::seconds timeout) noexcept;
// SO_KEEPALIVE on with its timing; the common layer has checked the ranges (1 to 32767 s,
// 1 to 127 probes). The timing goes first and SO_KEEPALIVE last, so that where the OS
// refuses the timing, keep-alive is not switched on.
std::error_code set_keep_alive(native_socket s,
                               std::chrono::seconds idle,
                               std::chrono::seconds interval,
                               unsigned probes) noexcept;

// The OS object behind a user_event: what a poller's backend waits on, and what set() raises.
// An eventfd on Linux (both ends the same), a pipe elsewhere on POSIX, a manual-reset event
// handle on Windows (both ends the same).
struct wake_signal {
  std::intptr_t waitable = -1;
  std::intptr_t raisable = -1;
};
wake_signal make_wake_signal(std::error_code& ec) noexcept;
// Makes `waitable` ready. Async-signal-safe on POSIX; never blocks (a full pipe is ready).
void raise_wake_signal(const wake_signal& w) noexcept;
// Makes it not ready any more (drains the eventfd or pipe, resets the event).
void clear_wake_signal(const wake_signal& w) noexcept;
void close_wake_signal(wake_signal& w) noexcept;

// The OS's "connection aborted" code (ECONNABORTED, WSAECONNABORTED), for C48.
std::error_code connection_aborted_code() noexcept;

}  // namespace evsel::detail::os
