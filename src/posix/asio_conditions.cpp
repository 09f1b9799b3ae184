// SPDX-License-Identifier: MIT
// evsel: what a look at a socket finds, recorded: the FD_* conditions of the POSIX backend.
#include "../os.hpp"
#include "asio_backend.hpp"
#include "asio_registration.hpp"
#include "posix_probes.hpp"

namespace evsel::detail {

void backend::evaluate(asio_registration& r, event scope, look_origin origin) noexcept {
  socket_state& s = *r.socket;
  const event wanted = scope & r.recordable();
  if (!s.is_tcp()) {
    evaluate_datagram(r, wanted);
    return;
  }
  refresh_connect(s);
  switch (s.stage) {
    case connection_stage::idle:  // unconnected: nothing is ever recorded (C01)
    case connection_stage::connecting:
      return;
    case connection_stage::listening:
      if (has_any(wanted, event::accept) && r.input != input_state::queued &&
          os::connection_queued(s.handle)) {
        move_input(r, input_state::queued);
      }
      if (r.input == input_state::queued) core_.record(r, event::accept);
      return;
    case connection_stage::failed:
      core_.record_failed_connect(r);  // connect with its error, and nothing else (C24)
      return;
    case connection_stage::connected:
      evaluate_stream(r, wanted, origin);
      return;
  }
}

void backend::evaluate_stream(asio_registration& r, event wanted, look_origin origin) noexcept {
  socket_state& s = *r.socket;
  event found = s.connected_by_connect ? event::connect : event::none;
  const bool input_open =
      r.input != input_state::queued && r.input != input_state::ended && !s.peer_closed;
  posix::interest look;
  look.write = has_any(wanted, event::write);
  // Woken by the reactor, always find out why (data, end of stream, reset), whatever is
  // selected: that knowledge is what stops the wait from being armed again for nothing.
  // After shutdown(receive) arriving data is looked at to be discarded.
  look.read = (origin == look_origin::reactor || s.receive_shut ||
               has_any(wanted, event::read | event::close)) &&
              input_open;
  look.urgent = has_any(wanted, event::oob) && !s.peer_closed;
  if (look.read && !look.write && !look.urgent) {
    probe_stream_input(r);  // the peek alone says all there is to know about input
  } else if (look.read || look.write || look.urgent) {
    const posix::readiness now = posix::poll_now(s.handle, look);
    r.hung_up = r.hung_up || now.hangup;
    if (look.write) {
      // A hung-up socket counts as writable: the next send reports the error.
      r.write_blocked = !now.writable && !now.hangup;
      if (!r.write_blocked) found |= event::write;
    }
    if (look.read && (now.readable || now.hangup)) probe_stream_input(r);
    if (look.urgent && now.urgent) {
      move_urgent(r, posix::urgent_byte_waiting(s.handle) ? urgent_state::queued
                                                          : urgent_state::unreadable);
    } else if (look.urgent && r.urgent != urgent_state::waiting) {
      move_urgent(r, urgent_state::unknown);  // gone, or read meanwhile
    }
  }
  // record() drops what this socket never records (after shutdown(receive), inline oob).
  if (r.input == input_state::queued) found |= event::read;
  if (r.urgent == urgent_state::queued) found |= event::oob;
  // One call, so that connect and write of a new connection share one record (C55).
  core_.record(r, found);
  record_close_if_due(r);
}

void backend::record_close_if_due(asio_registration& r) noexcept {
  core_.record_close_if_due(r,
                            r.input == input_state::queued ? input_left::some : input_left::none);
}

void backend::probe_stream_input(asio_registration& r) noexcept {
  socket_state& s = *r.socket;
  // Two rounds at most: after discarding (shutdown(receive)) look once more for the end.
  for (int round = 0; round < 2; ++round) {
    std::error_code ec;
    switch (posix::peek_stream(s.handle, ec)) {
      case posix::stream_input::data:
        if (!s.receive_shut) {
          move_input(r, input_state::queued);
          return;
        }
        if ((ec = os::discard_input(s.handle))) {
          note_connection_lost(s, ec);
          move_input(r, input_state::ended);
          return;
        }
        continue;
      case posix::stream_input::end_of_stream:
        note_connection_lost(s, {});
        move_input(r, input_state::ended);
        return;
      case posix::stream_input::failed:
        // The peer reset the connection: reading the error consumed it, so it is kept on
        // the socket for recv and send (C39).
        note_connection_lost(s, ec);
        move_input(r, input_state::ended);
        return;
      case posix::stream_input::empty:
        return;  // a look that finds nothing changes no plan
    }
  }
}

void backend::evaluate_datagram(asio_registration& r, event wanted) noexcept {
  const socket_state& s = *r.socket;
  posix::interest look;
  // UDP sockets are bound when registered: write is recorded once (C07, G12), and again
  // only after a send that would block, once there is room.
  look.write = has_any(wanted, event::write);
  look.read = has_any(wanted, event::read) && r.input != input_state::queued;
  if (!look.read && !look.write) return;
  const posix::readiness now = posix::poll_now(s.handle, look);
  event found = event::none;
  if (now.hangup) {
    // An ICMP error (port unreachable on a connected socket): Linux reports it on the next
    // call, Windows is told not to (SIO_UDP_CONNRESET). Take it off, as Windows does.
    (void)os::pending_error(s.handle);
  }
  if (look.write) {
    r.write_blocked = !now.writable;
    if (!r.write_blocked) found |= event::write;
  }
  // A datagram, even an empty one (C54), is a read.
  if (look.read && now.readable) move_input(r, input_state::queued);
  if (r.input == input_state::queued) found |= event::read;
  core_.record(r, found);
}

}  // namespace evsel::detail
