// SPDX-License-Identifier: MIT
// evsel: a pure reference model of the FD_* contract (docs/semantics.md) for the
// model-based fuzzer: after each step, which events a wait may report and which it must
// report once the network has settled.
#pragma once

#include <cstddef>
#include <string>

#include <evsel/events.hpp>

namespace evsel_model {

using evsel::event;

enum class slot_kind { listener, connection, connector };

// What the model knows of one socket under test and of its peer.
struct slot_state {
  slot_kind kind = slot_kind::connection;
  bool open = false;              // the socket exists
  bool registered = false;        // added to the poller
  event mask = event::none;       // selected events while registered
  event disabled = event::none;   // reported and not re-enabled since (rule 2)
  bool connected = false;         // connection established (or, for a connector, started)
  bool has_peer = false;          // the other end is open and ours to drive
  std::size_t unread = 0;         // bytes the peer sent that this socket has not received
  bool peer_fin = false;          // the peer shut down sending (or closed)
  bool peer_reset = false;        // the peer reset the connection
  bool space_known = true;        // nothing of ours waits in the send buffer
  std::size_t sent = 0;           // bytes this socket sent
  std::size_t peer_received = 0;  // of those, bytes the peer has read
  int pending_sure = 0;           // listener: connections queued for certain
  int pending_maybe = 0;          // listener: queued unless the OS dropped them
};

// Conditions, regardless of mask and disabled set.
event holds_may(const slot_state& s);
event holds_must(const slot_state& s);  // once the network has settled

// What a wait may report for the slot now, and what it must report once settled.
inline event may_report(const slot_state& s) {
  return s.registered ? holds_may(s) & s.mask & ~s.disabled : event::none;
}
inline event must_report(const slot_state& s) {
  return s.registered ? holds_must(s) & s.mask & ~s.disabled : event::none;
}

// A wait reported `events` for the slot: empty if the contract allows it, else why not.
// Records the delivery (the events become disabled).
std::string deliver(slot_state& s, event events);

}  // namespace evsel_model
