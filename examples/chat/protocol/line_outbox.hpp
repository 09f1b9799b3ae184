// SPDX-License-Identifier: MIT
// evsel chat: the output of one line-based connection, queued in order and sent in pieces.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "line_allocator.hpp"

namespace evsel::chat {

// Lines wait here until the socket takes them; whoever owns the socket sends from
// unsent_data() and reports what went with consumed(). No socket API here, so the chat
// server and the raw-epoll server it is benchmarked against share it.
class line_outbox {
 public:
  void queue_line(std::string_view line) {
    bytes_.append(line);
    bytes_.push_back('\n');
    resident_.note(bytes_);
  }
  // `lines`: whole lines, each with its LF.
  void queue_lines(std::string_view lines) {
    bytes_.append(lines);
    resident_.note(bytes_);
  }

  std::size_t unsent() const noexcept { return bytes_.size() - sent_; }
  const char* unsent_data() const noexcept { return bytes_.data() + sent_; }
  // The last byte sent was not the end of a line.
  bool partial_line_out() const noexcept { return partial_line_out_; }
  // Bytes of memory the buffer holds resident, sent part included.
  std::size_t footprint() const noexcept { return resident_.bytes(); }

  // `count` bytes of unsent_data() went out.
  void consumed(std::size_t count) noexcept;
  // After a round of sending: once everything went, an idle connection holds no big buffer;
  // otherwise what went is dropped once it is most of the buffer, so that copying stays
  // proportional to what is sent.
  void settle() noexcept;
  // Forgets the queued lines, except the rest of a line partly sent, so that the client
  // never sees half a line followed by another, and gives their memory back.
  void drop_unsent_lines();

 private:
  line_string bytes_;  // bytes_[sent_..] is queued
  resident_bytes resident_;
  std::size_t sent_ = 0;
  bool partial_line_out_ = false;
};

}  // namespace evsel::chat
