// SPDX-License-Identifier: MIT
// evsel: splits a TCP byte stream into bounded text lines (LF or CRLF), for the chat server.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "line_allocator.hpp"

namespace evsel::chat {

/// The line limit the chat server uses, in bytes of content (terminator excluded).
inline constexpr std::size_t default_max_line = 1024;

/// What the framer found in the stream.
enum class frame_kind {
  line,     ///< A complete line; `text` is its content without LF and without a CR before it.
  overlong  ///< A line exceeded max_line; `text` is empty and the rest of it is discarded.
};

/// One outcome of line_framer. `text` stays valid only until the framer is used again.
struct frame {
  frame_kind kind = frame_kind::line;
  std::string_view text;
};

/// Turns chunks of bytes, however they were split by recv, into lines in order.
///
/// A line ends with LF; one CR immediately before the LF is dropped, so CRLF is accepted. Any
/// other byte, CR and NUL included, is content (sanitize() deals with it). A line whose
/// content exceeds max_line bytes yields exactly one `overlong` frame, as soon as the excess
/// byte arrives; everything up to and including the next LF is then skipped, across any
/// number of chunks. Bytes of a line still unterminated at the end of the stream are never
/// reported (a client that disconnects mid-line did not send that line).
///
/// Cost: every byte fed is examined once and copied at most once; a line that arrives whole
/// within one chunk is not copied at all. At most max_line + 1 bytes are held between calls
/// (a partial line plus a CR that may turn out to precede LF).
class line_framer {
 public:
  explicit line_framer(std::size_t max_line = default_max_line) : max_line_(max_line) {}

  /// Pull interface: consumes `input` from the front until one frame is complete, stores it in
  /// `out` and returns true; returns false once `input` is used up (it is then empty).
  bool next(std::string_view& input, frame& out);

  /// Push interface: calls `on_frame(const frame&)` for every frame completed by `chunk`, in
  /// order. `on_frame` must not feed this framer. If it throws, the rest of `chunk` is lost
  /// and framing goes on with the next chunk.
  template <class F>
  void feed(std::string_view chunk, F&& on_frame) {
    frame out;
    while (next(chunk, out)) on_frame(std::as_const(out));
  }
  template <class F>
  void feed(const char* data, std::size_t size, F&& on_frame) {
    feed(std::string_view(data, size), std::forward<F>(on_frame));
  }

  /// Bytes of the current partial line held for the next chunk (at most max_line + 1).
  std::size_t pending() const noexcept {
    return line_ready_ ? 0 : buffer_.size() + (held_cr_ ? 1 : 0);
  }
  /// True while the tail of an overlong line is being skipped.
  bool skipping() const noexcept { return skipping_; }
  std::size_t max_line() const noexcept { return max_line_; }
  /// Bytes of memory the framer holds resident for partial lines.
  std::size_t footprint() const noexcept { return resident_.bytes(); }

  /// Forgets the partial line and any skipping; the next byte starts a new line. The
  /// buffer's memory is given back.
  void reset() noexcept;

 private:
  std::size_t max_line_;
  line_string buffer_;       // content of the partial line, never longer than max_line_
  resident_bytes resident_;  // of buffer_
  bool held_cr_ = false;     // the chunk ended in CR: content, unless the next byte is LF
  bool skipping_ = false;    // inside an overlong line, waiting for its LF
  bool line_ready_ = false;  // buffer_ holds a line already handed out, to clear on next use
};

}  // namespace evsel::chat
