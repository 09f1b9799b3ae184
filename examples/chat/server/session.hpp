// SPDX-License-Identifier: MIT
// evsel chat server: one connected client and the output it has not taken yet.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <system_error>

#include <evsel/evsel.hpp>

#include "line_framer.hpp"

namespace evsel::chat {

enum class session_phase {
  member,   // in the room: sends and receives lines
  leaving,  // out of the room: its last lines go out, then the connection closes
  closed    // socket closed; freed once the current batch of records is handled
};

struct session {
  session(evsel::socket accepted, endpoint from, std::size_t max_line)
      : connection(std::move(accepted)), peer(from), framer(max_line) {}

  evsel::socket connection;
  endpoint peer;
  line_framer framer;
  session_phase phase = session_phase::member;
  std::string nick;
  std::string key;  // nick_key(nick)

  // Output: outbox[sent, size) is queued, in order; it is sent until the socket would block,
  // and the rest waits for the write event.
  std::string outbox;
  std::size_t sent = 0;
  bool in_flush_list = false;
  bool doomed = false;            // cut off or closed at the end of this batch
  bool partial_line_out = false;  // the last byte sent was not the end of a line
  bool send_shut = false;         // our FIN is out: nothing more will be queued
  bool peer_done = false;         // the peer's FIN came and everything before it was read
  std::chrono::steady_clock::time_point linger_until{};  // leaving sessions close by then
  std::list<session>::iterator self;

  std::size_t unsent() const noexcept { return outbox.size() - sent; }
  void queue_line(std::string_view line) {
    outbox.append(line);
    outbox.push_back('\n');
  }
  // Sends until done or would-block. Returns the error that ends the connection, if any.
  std::error_code flush() noexcept;
  // Forgets the queued lines, except the rest of a line partly sent (so that the client
  // never sees half a line followed by another).
  void drop_unsent_lines() noexcept;
};

}  // namespace evsel::chat
