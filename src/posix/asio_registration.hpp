// SPDX-License-Identifier: MIT
// evsel: what the Asio backend keeps per socket: its descriptor, its outstanding waits, and
// the state of its input and urgent data.
#pragma once

#include <cstdint>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "asio_backend.hpp"

namespace evsel::detail {

// What the backend knows and plans about a socket's input: a connection's data and its end,
// a listener's queued connections, a UDP socket's datagrams. A look that finds nothing
// changes no plan. Every change goes through backend::move_input, which checks it against
// this table (asio_read_path.cpp):
//
//   unknown  -> look_due, waiting, queued, ended
//   look_due -> look_due, arm_now, queued, ended
//   woken    -> look_due, arm_now, queued, ended
//   arm_now  -> waiting, unknown, queued, ended
//   waiting  -> unknown, woken, queued, ended
//   queued   -> unknown
//   ended    -> (none: nothing arrives after the end of a stream)
enum class input_state : std::uint8_t {
  unknown,   // not known since the last re-enabling call or completed wait
  look_due,  // a connection in the look list: looked at in the next run, then waited for
  woken,     // likewise, because its read wait completed: the look is never skipped
  arm_now,   // this run looked (or chose to skip the look): the wait starts without one
  waiting,   // a read wait is outstanding and nothing is known
  queued,    // a look found input: read (or accept) holds until a re-enabling call
  ended,     // the connection's input is over: end of stream, reset or error
};

// The same for urgent data (POLLPRI), which only connections have:
//   unknown    -> waiting, queued, unreadable
//   waiting    -> unknown, queued, unreadable
//   queued     -> unknown, unreadable
//   unreadable -> unknown, queued
// (A move to the state a socket is in changes nothing and is always allowed; look_due to
// look_due is a connection listed again after a look that found nothing.)
enum class urgent_state : std::uint8_t {
  unknown,
  waiting,     // an error-class wait (POLLPRI) is outstanding
  queued,      // an urgent byte can be read with MSG_OOB: oob holds
  unreadable,  // POLLPRI said urgent, but its byte has not arrived: waiting again would
               // complete at once, so the next recv looks instead
};

struct backend::asio_registration final : registration {
  explicit asio_registration(boost::asio::io_context& io) : descriptor(io) {}

  // With the io_context's own executor type, not the type-erased default: a smaller
  // descriptor and smaller pending waits, which is most of the memory of an idle connection.
  boost::asio::posix::basic_stream_descriptor<boost::asio::io_context::executor_type> descriptor;
  unsigned pending = 0;           // async waits whose handler has not run yet
  bool waiting[wait_kinds] = {};  // which kinds of wait are outstanding
  input_state input = input_state::unknown;
  urgent_state urgent = urgent_state::unknown;
  bool write_blocked = false;  // no room to send: write comes when space is back
  // The connection is dead in both directions (POLLHUP/POLLERR). Readiness stays on for
  // good, so nothing is waited for any more; recv calls look at what is left.
  bool hung_up = false;
  // In the look list (asio_read_path.cpp). A connection can leave look_due by another look
  // before the list is walked; the walk then drops it.
  bool listed = false;
  asio_registration* listed_next = nullptr;
  std::uint8_t looks_missed = 0;   // looks in a row that found nothing, up to 4
  std::uint8_t looks_to_skip = 0;  // read waits to start without a look first
};

// A connected TCP socket's read waits start after a look (list_for_look), and the reason
// it woke is found by a look too; listeners, connecting and UDP sockets wait directly.
inline bool reads_by_look(const socket_state& s) noexcept {
  return s.is_tcp() && s.stage == connection_stage::connected;
}

}  // namespace evsel::detail
