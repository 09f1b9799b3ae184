// SPDX-License-Identifier: MIT
// evsel: the reference model's rules, one place per event (docs/semantics.md).
#include "fd_model.hpp"

namespace evsel_model {

event holds_may(const slot_state& s) {
  if (!s.open) return event::none;
  event e = event::none;
  if (s.kind == slot_kind::listener) {
    if (s.pending_sure + s.pending_maybe > 0) e |= event::accept;
    return e;
  }
  if (!s.connected) return e;
  if (s.kind == slot_kind::connector) e |= event::connect;
  // Write: once per connection, and again after a send that would block (the disabled set
  // says which); whether space has come back is the kernel's business until settled.
  e |= event::write;
  if (s.unread > 0) e |= event::read;
  // Close only once everything before the peer's FIN has been read (rule 5); a reset may
  // take unread data with it.
  if ((s.peer_fin && s.unread == 0) || s.peer_reset) e |= event::close;
  return e;
}

event holds_must(const slot_state& s) {
  if (!s.open) return event::none;
  event e = event::none;
  if (s.kind == slot_kind::listener) {
    if (s.pending_sure > 0) e |= event::accept;
    return e;
  }
  if (!s.connected) return e;
  if (s.kind == slot_kind::connector) e |= event::connect;
  if (s.space_known && !s.peer_reset) e |= event::write;
  if (s.unread > 0 && !s.peer_reset) e |= event::read;
  if ((s.peer_fin || s.peer_reset) && s.unread == 0) e |= event::close;
  return e;
}

std::string deliver(slot_state& s, event events) {
  if (events == event::none) return "an empty record";
  const event allowed = may_report(s);
  if ((events & ~allowed) != event::none) {
    return "reported " + evsel::to_string(events) + " where only " + evsel::to_string(allowed) +
           " may come";
  }
  s.disabled |= events;
  return {};
}

}  // namespace evsel_model
