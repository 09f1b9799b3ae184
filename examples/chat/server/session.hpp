// SPDX-License-Identifier: MIT
// evsel chat server: one connected client and the output it has not taken yet.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include <evsel/evsel.hpp>

#include "line_framer.hpp"
#include "line_outbox.hpp"
#include "token_bucket.hpp"

namespace evsel::chat {

enum class session_phase {
  member,   // in the room: sends and receives lines
  leaving,  // out of the room: its last lines go out, then the connection closes
  closed    // socket closed; freed once the current batch of records is handled
};

// A session's name for as long as the server runs: never reused, so a record, a list entry
// or a nick that names a session already freed finds nothing, instead of freed memory. It
// is also the context of the session's evsel records (counted up from 1; the server's own
// records use 0 and the top of the range: chat_server::listener_context and the others).
using session_id = std::uintptr_t;

struct session {
  session(session_id given,
          evsel::socket accepted,
          endpoint from,
          std::string from_network,
          std::size_t max_line)
      : id(given),
        connection(std::move(accepted)),
        peer(from),
        network(std::move(from_network)),
        framer(max_line) {}

  const session_id id;
  evsel::socket connection;
  endpoint peer;
  const std::string network;  // its key in address_limits: released when the session closes
  line_framer framer;
  session_phase phase = session_phase::member;
  std::string nick;
  std::string key;  // nick_key(nick)

  // Output, in order: sent until the socket would block, the rest waits for the write event.
  line_outbox out;
  bool in_flush_list = false;
  bool doomed = false;     // cut off or closed at the end of this batch
  bool send_shut = false;  // our FIN is out: nothing more will be queued
  bool peer_done = false;  // the peer's FIN came and everything before it was read
  std::chrono::steady_clock::time_point linger_until{};  // leaving sessions close by then
  // The deadline set on its socket (poller::set_deadline): the earliest of its line's, its
  // first line's and its linger's (chat_server::next_deadline); max() while none is set.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // The line being received (framer.pending() or skipping()) began then.
  bool line_open = false;
  // Flood control (--max-rate): the lines it may send.
  token_bucket line_allowance;
  std::chrono::steady_clock::time_point line_started{};
  std::chrono::steady_clock::time_point joined{};  // accepted then
  bool spoke = false;       // it has finished a line: the idle timeout is over for it
  std::size_t charged = 0;  // what the memory budget counts against it
  // Its last turn of reading stopped before its input did: the kernel may hold a full
  // receive buffer of it.
  bool input_waiting = false;
  // Not read while the memory budget has no room (in chat_server::paused_).
  bool paused = false;
  // Its output queue last shrank, or was empty, then: a client whose queue has not moved
  // for a while is stuck, and the first to be cut off when memory runs short.
  std::chrono::steady_clock::time_point last_progress{};

  std::size_t unsent() const noexcept { return out.unsent(); }
  void queue_line(std::string_view line) { out.queue_line(line); }
  // Sends until done or would-block, at most `max_piece` bytes a call (see
  // chat_server::max_send_piece). Returns the error that ends the connection, if any.
  std::error_code flush(std::size_t max_piece) noexcept;
  void drop_unsent_lines() { out.drop_unsent_lines(); }
};

}  // namespace evsel::chat
