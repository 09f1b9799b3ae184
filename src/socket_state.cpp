// SPDX-License-Identifier: MIT
// evsel: how a socket's connection stage and its end are learnt, the same on every backend.
#include "socket_state.hpp"

#include <evsel/error.hpp>

#include "os.hpp"

namespace evsel::detail {

void refresh_connect(socket_state& s) noexcept {
  if (s.stage != connection_stage::connecting) return;
  if (os::connection_made(s.handle)) {
    settle_connect(s, {});
    return;
  }
  // Reading SO_ERROR clears it, so the outcome is kept here for the connect event.
  if (const std::error_code ec = os::pending_error(s.handle)) settle_connect(s, ec);
}

void settle_connect(socket_state& s, const std::error_code& outcome) noexcept {
  // Reported once more, or late (Wine reports a reset that follows the connection as
  // FD_CONNECT's error even after FD_CONNECT said it succeeded): the stage stands.
  if (s.stage != connection_stage::connecting) return;
  if (!outcome) {
    s.stage = connection_stage::connected;
    return;
  }
  // Only a connection that was made can be reset (a refused attempt says connection_refused
  // on every OS): the peer accepted, maybe sent data, and reset before evsel looked, and the
  // OS forgets the peer's address at the reset. The attempt succeeded; the connection is
  // over, with its data still to read (rules 4 and 5, C39).
  if (outcome == errc::connection_reset || outcome == errc::connection_aborted) {
    s.stage = connection_stage::connected;
    s.sticky_error = outcome;
    // With data queued the connection ends once it is read, as any reset after data does:
    // the backends learn of that end by looking, and it carries this error.
    std::error_code unknown;
    if (os::available(s.handle, unknown) == 0) note_connection_lost(s, outcome);
    return;
  }
  s.stage = connection_stage::failed;
  s.connect_error = outcome;
}

void note_connection_lost(socket_state& s, const std::error_code& ec) noexcept {
  if (ec) s.sticky_error = ec;
  if (s.peer_closed) return;
  s.peer_closed = true;
  // The end of the stream after a reset that evsel already took from the OS is that reset.
  s.close_error = ec ? ec : s.sticky_error;
}

}  // namespace evsel::detail
