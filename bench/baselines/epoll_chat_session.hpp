// SPDX-License-Identifier: MIT
// evsel-bench-epoll-chat: one connected client and the output it has not taken yet.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "line_outbox.hpp"

namespace evsel_bench::chat {

enum class phase {
  member,   // in the room: sends and receives lines
  leaving,  // out of the room: its last lines go out, then our FIN, then the close
  closed    // descriptor closed; freed once the current batch of events is handled
};

struct session {
  int fd = -1;
  phase state = phase::member;
  std::string nick;
  std::string key;  // the nick in lower case: nicks are unique regardless of case

  std::string partial;    // the start of a line whose LF has not come yet
  bool skipping = false;  // dropping the rest of an overlong line, up to its LF

  evsel::chat::line_outbox out;  // queued for the client: whole lines, in order
  std::uint32_t watched = 0;     // the epoll events asked for
  bool in_flush_list = false;    // new output this batch, sent at its end
  bool doomed = false;           // cut off or closed at the end of this batch
  bool send_shut = false;        // our FIN is out: nothing more is queued
  bool peer_done = false;        // the client's end of stream was read
  std::chrono::steady_clock::time_point linger_until{};  // leaving sessions close by then
  std::size_t slot = 0;                                  // its index in the server's list

  std::size_t unsent() const noexcept { return out.unsent(); }
  // Sends until done or EAGAIN. Returns the errno that ends the connection, or 0.
  int flush() noexcept;
  void drop_unsent_lines() { out.drop_unsent_lines(); }
};

}  // namespace evsel_bench::chat
