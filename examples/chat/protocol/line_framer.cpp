// SPDX-License-Identifier: MIT
// evsel: splits a TCP byte stream into bounded text lines (LF or CRLF), for the chat server.
#include "line_framer.hpp"

#include <algorithm>

namespace evsel::chat {

void line_framer::reset() noexcept {
  line_string().swap(buffer_);
  resident_.note(buffer_);
  held_cr_ = false;
  skipping_ = false;
  line_ready_ = false;
}

bool line_framer::next(std::string_view& input, frame& out) {
  // The line handed out last time lives in buffer_ until now, so the caller could read it.
  if (line_ready_) {
    buffer_.clear();
    line_ready_ = false;
  }
  while (!input.empty()) {
    // One search per piece, and the input shrinks past it: no byte is ever looked at twice,
    // however long a partial line grows.
    const std::size_t lf = input.find('\n');
    const bool terminated = lf != std::string_view::npos;
    std::string_view piece = input.substr(0, lf);
    input.remove_prefix(terminated ? lf + 1 : input.size());

    if (skipping_) {  // the tail of an overlong line, reported already
      skipping_ = !terminated;
      continue;
    }
    // A CR held from the previous chunk is dropped only if this LF follows it directly.
    const bool cr_is_content = held_cr_ && !piece.empty();
    held_cr_ = false;
    // A CR ending the piece is dropped before LF, held if the chunk ends here.
    const bool ends_in_cr = !piece.empty() && piece.back() == '\r';
    if (ends_in_cr) piece.remove_suffix(1);

    const std::size_t size = buffer_.size() + (cr_is_content ? 1 : 0) + piece.size();
    if (size > max_line_) {
      // Report now rather than at the LF: the client may never send one, and the server
      // should not hold any of it.
      buffer_.clear();
      skipping_ = !terminated;
      out = frame{frame_kind::overlong, {}};
      return true;
    }
    if (terminated && buffer_.empty() && !cr_is_content) {
      out = frame{frame_kind::line, piece};  // the common case: the line is in one chunk
      return true;
    }
    if (buffer_.capacity() < size) {
      // Geometric growth for linear cost, capped so the buffer never outgrows the limit.
      buffer_.reserve(std::min(max_line_, std::max(size, 2 * buffer_.capacity())));
    }
    if (cr_is_content) buffer_.push_back('\r');
    buffer_.append(piece);
    resident_.note(buffer_);
    if (terminated) {
      line_ready_ = true;
      out = frame{frame_kind::line, buffer_};
      return true;
    }
    held_cr_ = ends_in_cr;
  }
  return false;
}

}  // namespace evsel::chat
