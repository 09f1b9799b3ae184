// SPDX-License-Identifier: MIT
// evsel-wsa: what the runtime keeps for the process (sockets, their selections and
// records, the pump) and the lock that guards it. Event objects live apart
// (wsa_events.cpp), with the hidden poller that the waits pump (wsa_pump.hpp), so that a
// wait never takes this lock but to deliver what it pumped.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <system_error>
#include <unordered_map>

#include <evsel/events.hpp>
#include <evsel/socket.hpp>

#include "wsa_core.hpp"
#include "wsa_event_objects.hpp"

namespace evsel::wsa {

// One SOCKET. The evsel::socket inside is closed when the last reference goes: closesocket
// drops the table's, and a call in progress on another thread keeps its own until it
// returns (evsel forbids closing a socket while a call on it runs).
struct socket_entry {
  socket_entry(socket_handle h, evsel::socket s, address_family f, protocol p) noexcept
      : handle(h), sock(std::move(s)), family(f), proto(p) {}
  ~socket_entry();
  socket_entry(const socket_entry&) = delete;
  socket_entry& operator=(const socket_entry&) = delete;

  const socket_handle handle;
  evsel::socket sock;
  const address_family family;
  const protocol proto;

  // Read without the lock by the calls that may block; written under runtime::mutex.
  std::atomic<bool> blocking{true};        // until ioctlsocket(FIONBIO) or WSAEventSelect
  std::atomic<int> receive_timeout_ms{0};  // SO_RCVTIMEO: bounds blocking receives
  std::atomic<int> send_timeout_ms{0};     // SO_SNDTIMEO: bounds blocking sends

  // Guarded by runtime::mutex.
  bool bound = false;       // Winsock refuses listen on an unbound socket
  bool listening = false;   // SO_ACCEPTCONN
  bool registered = false;  // in the hidden poller
  event mask = event::none;
  std::shared_ptr<event_object> selected;  // null: deselected (or never selected)
  // Windows' "internal network event record": what the pump collected and
  // WSAEnumNetworkEvents has not taken, with the Winsock code of each bit.
  event recorded = event::none;
  std::array<int, event_bit_count> codes{};
  int pending_error = 0;  // SO_ERROR: the last connect failure
  // What getsockopt reports for options evsel sets but does not read back.
  bool reuse_address = false;
  bool linger_on = false;
  int linger_seconds = 0;
  // SO_SNDBUF/SO_RCVBUF as set (0: never set, the OS's value is read): Linux reports twice
  // what was set, Windows what was set.
  int send_buffer_set = 0;
  int receive_buffer_set = 0;

  // closesocket sets it, then writes to the cancel pipe, so that a blocking call on another
  // thread returns (with WSAEINTR, as Windows) instead of blocking on a closed socket.
  std::atomic<bool> closing{false};
  std::mutex cancel_mutex;
  int cancel_pipe[2] = {-1, -1};  // made by the first blocking wait
};

using entry_ptr = std::shared_ptr<socket_entry>;

struct runtime {
  std::mutex mutex;
  std::unordered_map<socket_handle, entry_ptr> sockets;
  socket_handle next_handle = 0x100;
  std::atomic<int> startups{0};
};

// The process's runtime. Never destroyed: a program may end without WSACleanup while the
// pump runs, and a static destructor would then have to join it.
runtime& the_runtime() noexcept;

// Zero, or WSANOTINITIALISED before WSAStartup.
int check_started() noexcept;
// The entry of `s` (null and WSANOTSOCK or WSANOTINITIALISED in `code` when there is none).
entry_ptr find_socket(socket_handle s, int& code) noexcept;
// Registers a new socket in the table; the handle goes to `out`.
int adopt_socket(evsel::socket sock,
                 address_family family,
                 protocol proto,
                 const socket_entry* inherit_from,
                 socket_handle& out) noexcept;
// Takes the socket out of the table and the poller and wakes its blocking calls. Caller
// holds runtime::mutex.
void retire_socket_locked(runtime& rt, const entry_ptr& entry) noexcept;

// Notes that the socket is bound now (bind, connect, or the first sendto); a UDP socket
// selected while unbound is registered with the hidden poller from here (wsa_select.cpp).
int mark_bound(socket_entry& entry) noexcept;

// Winsock codes for evsel's std::error_code: a call's failure, and the two events whose
// codes Windows spells its own way (FD_CLOSE reports a reset as WSAECONNABORTED).
int to_wsa(const std::error_code& ec) noexcept;
int close_code(const std::error_code& ec) noexcept;

// Blocking: waits until the socket is readable (has an urgent byte, is writable), closed by
// another thread (WSAEINTR), or `timeout_ms` passed (WSAETIMEDOUT; 0 waits forever).
enum class readiness : short { readable, urgent, writable };
int wait_ready(socket_entry& entry, readiness what, int timeout_ms) noexcept;
// Wakes the blocking waits of a socket being closed.
void cancel_blocking(socket_entry& entry) noexcept;

}  // namespace evsel::wsa
