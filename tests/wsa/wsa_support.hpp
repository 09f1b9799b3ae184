// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: loopback sockets, events and bounded waits, in plain Winsock,
// so that the same helpers build against ws2_32 and against the evsel-wsa layer.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <winsock2.h>
#include <ws2tcpip.h>

namespace wsa_test {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

// Every wait in a test is bounded by one of these.
inline constexpr ms expect_window = 3s;           // an event that must come
inline constexpr ms quiet_window = 300ms;         // nothing may come within this
inline constexpr ms settle_window = 60ms;         // events arriving together are merged
inline constexpr ms connect_refused_window = 8s;  // Windows retries the SYN (KB175523)
inline constexpr ms fill_window = 10s;            // a peer that does not read fills the buffers

// WSAStartup for one test case, WSACleanup at its end: the case that checks the calls made
// without it (WSANOTINITIALISED) relies on every other case leaving the count at zero.
class wsa_session {
 public:
  wsa_session();
  ~wsa_session();
  wsa_session(const wsa_session&) = delete;
  wsa_session& operator=(const wsa_session&) = delete;
};

// Owns a SOCKET: closed at the end of its scope unless released.
class socket_handle {
 public:
  socket_handle() = default;
  explicit socket_handle(SOCKET s) : s_(s) {}
  socket_handle(socket_handle&& o) noexcept : s_(o.release()) {}
  socket_handle& operator=(socket_handle&& o) noexcept;
  ~socket_handle() { close(); }
  SOCKET get() const { return s_; }
  SOCKET release();
  void close();

 private:
  SOCKET s_ = INVALID_SOCKET;
};

// Owns a WSAEVENT made by WSACreateEvent.
class event_handle {
 public:
  event_handle();
  ~event_handle();
  event_handle(const event_handle&) = delete;
  event_handle& operator=(const event_handle&) = delete;
  WSAEVENT get() const { return e_; }

 private:
  WSAEVENT e_;
};

socket_handle make_tcp_socket();
socket_handle make_udp_socket();
// A socket bound to 127.0.0.1, port 0 (the OS picks one).
socket_handle make_bound_udp_socket();
// A TCP listener on 127.0.0.1, port 0.
socket_handle make_listener();
sockaddr_in local_address(SOCKET s);

// A loopback TCP connection made with a blocking connect and accept (both ends blocking).
struct tcp_pair {
  socket_handle client;
  socket_handle server;
};
tcp_pair make_tcp_pair();
// A blocking connect to `listener`'s address.
socket_handle connect_to(SOCKET listener);

// Whether `e` is signalled now (a zero-timeout wait on it alone).
bool is_signalled(WSAEVENT e);
// Whether `e` becomes signalled within `window`.
bool wait_signalled(WSAEVENT e, ms window);

// WSAEnumNetworkEvents that must succeed.
WSANETWORKEVENTS enumerate(SOCKET s, WSAEVENT e);
// The next record of `s` that is not empty: waits up to `window` for `e`, lets events arriving
// together settle, enumerates with `e`. An empty record (lNetworkEvents 0) when none came.
WSANETWORKEVENTS next_record(SOCKET s, WSAEVENT e, ms window = expect_window);
// What `s` records within the quiet window (expected to be nothing).
WSANETWORKEVENTS quiet_record(SOCKET s, WSAEVENT e);

// The checked forms of the steps above; a failure names what was recorded (describe). They
// return the record for the error codes.
// The next record of `s` must be exactly `events`.
WSANETWORKEVENTS expect_record(SOCKET s, WSAEVENT e, long events, ms window = expect_window);
// The next record of `s` must hold `event`, with or without others.
WSANETWORKEVENTS expect_record_with(SOCKET s, WSAEVENT e, long event);
// Nothing is recorded for `s`, and still nothing once it is selected again with `mask`: an
// event that was enumerated is not delivered again by a new WSAEventSelect.
void expect_quiet_reselected(SOCKET s, WSAEVENT e, long mask);
// `e` must be signalled within the expect window (the case ends if not); then waits the
// settle window, so that the events arriving together are all recorded.
void require_settled_signal(WSAEVENT e);

// "READ|CLOSE(10053)", for failure messages.
std::string describe(const WSANETWORKEVENTS& ne);

// Sends to a non-blocking `s` until a send fails with WSAEWOULDBLOCK; fails the test if that
// does not happen within `byte_limit` bytes or the fill window. Returns the bytes taken.
std::size_t fill_until_would_block(SOCKET s, std::size_t byte_limit = 256u << 20);
// Receives on a blocking `s` until `bytes` have come (or the test fails).
void drain(SOCKET s, std::size_t bytes);

// SO_LINGER {1, 0} then closesocket: the peer gets a reset.
void abort_connection(socket_handle& s);

// ioctlsocket(FIONBIO); returns ioctlsocket's result.
int set_non_blocking(SOCKET s, bool on);
// setsockopt(SO_RCVTIMEO); returns setsockopt's result.
int set_receive_timeout(SOCKET s, DWORD milliseconds);

// Ends the program with a message if it is still alive after `limit`: for the calls that are
// meant to block, so that a call that never returns fails the run instead of hanging it.
class blocked_call_watchdog {
 public:
  blocked_call_watchdog(const char* what, ms limit);
  ~blocked_call_watchdog();
  blocked_call_watchdog(const blocked_call_watchdog&) = delete;
  blocked_call_watchdog& operator=(const blocked_call_watchdog&) = delete;

 private:
  struct state;
  state* state_;
};

}  // namespace wsa_test
