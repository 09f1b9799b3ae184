// SPDX-License-Identifier: MIT
// evsel: what evsel knows about one open socket, shared by the socket and its registration.
#pragma once

#include <array>
#include <cstdint>
#include <system_error>

#include <evsel/endpoint.hpp>
#include <evsel/events.hpp>
#include <evsel/socket.hpp>

#include "owned_state.hpp"

namespace evsel::detail {

// Where a TCP socket stands; UDP sockets stay idle (connect only sets a default peer).
enum class connection_stage : std::uint8_t { idle, listening, connecting, connected, failed };

// Heap-allocated so that moving an evsel::socket never invalidates the registration's
// pointer to it, and so that a destroyed poller can detach sockets it no longer knows.
struct socket_state : owned_state {
  native_socket handle = invalid_socket;
  address_family family = address_family::ipv4;
  protocol transport = protocol::tcp;
  connection_stage stage = connection_stage::idle;
  // Only a socket that called connect gets a connect event; an accepted one never does (C20).
  bool connected_by_connect = false;
  bool oob_inline = false;
  // Native backend, listener: the OS reported accept and no accept has succeeded since, so
  // Wine may never report it again (W10). Kept with the socket, as the OS keeps its state:
  // a remove and add must not forget it.
  bool accept_unanswered = false;
  bool receive_shut = false;  // emulated on every backend, see socket::shutdown
  bool send_shut = false;
  // The peer sent FIN or reset the connection. The close event is due once no unread data
  // is left; close_error is empty for a graceful close.
  bool peer_closed = false;
  std::error_code close_error;
  std::error_code connect_error;  // the failure, when stage == failed
  // A connection error that evsel took from the OS while probing (reading an error
  // consumes it there); recv and send report it from now on, as Windows does (C39).
  std::error_code sticky_error;
  // The state model of docs/semantics.md, kept identically by both backends:
  //   recorded  R: events recorded and not yet returned by wait (with their errors);
  //   disabled  D: events recorded and not re-enabled since; they cannot be recorded again.
  event recorded = event::none;
  event disabled = event::none;
  std::array<std::error_code, event_bit_count> errors{};

  bool is_tcp() const noexcept { return transport == protocol::tcp; }
};

}  // namespace evsel::detail

namespace evsel::detail {

// A connecting socket learns here whether its attempt finished (used by recv/send and by
// the backends): stage becomes connected, or failed with connect_error.
void refresh_connect(socket_state& s) noexcept;

// A connect attempt ended with `outcome` (empty: it succeeded), as the OS reported it; only a
// connecting socket changes stage.
void settle_connect(socket_state& s, const std::error_code& outcome) noexcept;

// The connection ended (end of stream when `ec` is empty, or a reset/abort): the close
// condition holds from now on, and a connection error stays for later recv/send calls.
void note_connection_lost(socket_state& s, const std::error_code& ec) noexcept;

}  // namespace evsel::detail
