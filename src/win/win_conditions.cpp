// SPDX-License-Identifier: MIT
// evsel: what the native backend records: the kernel's reports (WSAEnumNetworkEvents) and
// its own looks, normalized to the evsel contract.
#include "../native_errors.hpp"
#include "../os.hpp"
#include "win_registration.hpp"

namespace evsel::detail {
namespace {

// Whether `events` hold for `s` now: a zero-timeout WSAPoll.
bool holds_now(SOCKET s, SHORT events) noexcept {
  WSAPOLLFD query{};
  query.fd = s;
  query.events = events;
  return WSAPoll(&query, 1, 0) == 1 && (query.revents & events) != 0;
}

// Send space for a connected socket, or any UDP one.
bool writable(SOCKET s) noexcept {
  return holds_now(s, POLLWRNORM);
}

// Data a recv could take now (FIONREAD); none after an emulated shutdown(receive). After a
// reset, FIONREAD can count bytes that recv no longer gives (Wine 10 drops them, as Windows
// does, and still counts them: W16), so recv is asked instead.
bool data_queued(const socket_state& s) noexcept {
  if (s.receive_shut) return false;
  if (s.sticky_error) {
    char byte = 0;
    return ::recv(s.handle, &byte, 1, MSG_PEEK) == 1;
  }
  std::error_code ec;
  return os::available(s.handle, ec) > 0 && !ec;
}

}  // namespace

event backend::selection(const win_registration& r) noexcept {
  const socket_state& s = *r.socket;
  // What evsel never records, the kernel is not even asked for.
  event wanted = r.mask & ~never_recorded(s);
  // After an emulated shutdown(receive), arriving data must still be taken off the socket,
  // or Wine would hold back the peer's close forever (W1).
  if (s.receive_shut) wanted |= s.is_tcp() ? event::read : r.mask & event::read;
  return wanted;
}

std::error_code backend::select(win_registration& r) noexcept {
  const event wanted = selection(r);
  if (WSAEventSelect(r.socket->handle, r.watched->event, static_cast<long>(wanted)) != 0) {
    return last_socket_error();
  }
  r.selected = wanted;
  return {};
}

void backend::synchronize(win_registration& r) noexcept {
  socket_state& s = *r.socket;
  // The kernel records a connect failure only while connect is selected, and never one
  // that connect() returned at once: evsel reports both (C24, docs/semantics.md rule 4).
  refresh_connect(s);
  core_.record_failed_connect(r);
  // A queued connection is recorded at selection whatever the kernel still holds disabled:
  // after an accept that failed, Wine never re-enables accept (W10), and after a rest
  // (engine::rest_accept) Windows has already spent its report. What evsel's own record
  // holds disabled stays silent (record() drops it), as on every backend.
  if (s.stage == connection_stage::listening) {
    (void)record_accept_if_queued(r);
    // The looks of W10 went with an earlier registration; the OS still holds accept.
    if (s.accept_unanswered) start_looking_at(r);
  }
  if (s.receive_shut && s.is_tcp()) (void)os::discard_input(s.handle);
  record_what_holds(r);
  record_close_if_due(r);
}

void backend::record_what_holds(win_registration& r) noexcept {
  const socket_state& s = *r.socket;
  // Windows records read and write at WSAEventSelect when they hold, but evsel learns of it
  // through the thread-pool wait, after add or modify has returned (and Wine computes it
  // later still): a zero wait right after would miss what poller.hpp promises is recorded
  // at once. So look now; the kernel's own report comes later and finds the bits disabled.
  if (s.is_tcp() && s.stage != connection_stage::connected) return;
  const event open = r.recordable();
  event found = event::none;
  if (has_any(open, event::read) && data_queued(s)) found |= event::read;
  // A connected socket's connect outcome holds too, and comes with write in one record
  // (C25, C55). The WSAPoll costs Wine one spurious signal (W9), at selection changes only.
  if (s.is_tcp() && s.connected_by_connect) found |= open & event::connect;
  if (has_any(open, event::write) && writable(s.handle)) found |= event::write;
  core_.record(r, found);
}

void backend::record_read_if_queued(win_registration& r) noexcept {
  if (has_any(r.recordable(), event::read) && data_queued(*r.socket)) core_.record(r, event::read);
}

bool backend::record_accept_if_queued(win_registration& r) noexcept {
  if (!has_any(r.recordable(), event::accept) || !os::connection_queued(r.socket->handle)) {
    return false;
  }
  core_.record(r, event::accept);
  return true;
}

void backend::record_close_if_due(win_registration& r) noexcept {
  // The connection is over at the peer's FIN or reset, or at a reset that evsel took from the
  // OS while data was queued (settle_connect): the kernel may never report a close for that
  // one (Wine reports it as FD_CONNECT's error). Windows records close at the FIN even with
  // data unread (C36); evsel holds it back until the data has been read. Meanwhile read is
  // recorded: Wine can report a reset as FD_CLOSE alone and never signal FD_READ for the
  // data before it, nor again after a recv on the reset socket.
  if (!poller_core::close_awaits(r)) return;  // the common case costs no look
  core_.record_close_if_due(r, data_queued(*r.socket) ? input_left::some : input_left::none);
}

void backend::enumerate(win_registration& r) noexcept {
  socket_state& s = *r.socket;
  WSANETWORKEVENTS found{};
  if (WSAEnumNetworkEvents(s.handle, r.watched->event, &found) != 0) {
    WSAResetEvent(r.watched->event);  // nothing to learn from a handle the kernel refuses
    return;
  }
  auto bits = static_cast<event>(found.lNetworkEvents) & all_events;
  if (has_any(bits, event::connect)) {
    const int code = found.iErrorCode[FD_CONNECT_BIT];
    settle_connect(s, code != 0 ? native_error(code) : std::error_code{});
    if (s.stage == connection_stage::failed) {
      core_.record_failed_connect(r);
      bits &= ~event::connect;
    }
  }
  if (has_any(bits, event::close)) {
    int code = found.iErrorCode[FD_CLOSE_BIT];
    // Windows reports a peer's reset as WSAECONNABORTED ([T-cls]), and a time-out too
    // (WSAEventSelect documentation); the socket itself says WSAECONNRESET on recv after a
    // reset, WSAENETRESET (which compares equal to errc::timed_out) or WSAETIMEDOUT after a
    // keep-alive failure, so ask it. Wine 8.0 reports 0 for a reset (W2), and WSAETIMEDOUT
    // for a keep-alive failure at once.
    if (code == WSAECONNABORTED) {
      char byte = 0;
      if (::recv(s.handle, &byte, 1, MSG_PEEK) == SOCKET_ERROR) {
        const int said = WSAGetLastError();
        if (said == WSAECONNRESET || said == WSAENETRESET || said == WSAETIMEDOUT) code = said;
      }
    }
    note_connection_lost(s, code != 0 ? native_error(code) : std::error_code{});
    bits &= ~event::close;
  }
  // Inline urgent bytes are data (Wine reports oob too: W7, C42), and after
  // shutdown(receive) there is nothing to read: record() drops both (never_recorded). What
  // arrives after shutdown(receive) is taken off the socket here.
  if (has_any(bits, event::read) && s.receive_shut) (void)os::discard_input(s.handle);
  if (has_any(bits, event::accept)) {
    // Wine can report accept for a connection an accept has just taken (W10): a report is
    // recorded only while a connection waits. Either way the kernel will not report this
    // listener again before an accept call, so a report with nothing queued means looking.
    if (os::connection_queued(s.handle)) {
      s.accept_unanswered = true;
    } else {
      bits &= ~event::accept;
      start_looking_at(r);
    }
  }
  // connect and write of a new connection arrive in one enumeration and so in one record.
  core_.record(r, bits);
  record_close_if_due(r);
}

}  // namespace evsel::detail
