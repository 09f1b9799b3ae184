// SPDX-License-Identifier: MIT
// evsel chat server: one timestamped line per connect, disconnect and error, on stderr,
// written by a thread of its own so that a slow or vanished reader never stops the server.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace evsel::chat {

class server_log {
 public:
  // At most this many bytes of log wait for a reader that does not keep up; beyond them,
  // lines are dropped and counted.
  static constexpr std::size_t default_capacity = 64 * 1024;

  // Quiet: nothing is written and no thread is started.
  explicit server_log(bool quiet, std::size_t capacity = default_capacity);
  // Waits up to a second for what is buffered to be written; a reader that takes longer
  // loses it (the writer thread, if blocked, is left to end with the process).
  ~server_log();
  server_log(const server_log&) = delete;
  server_log& operator=(const server_log&) = delete;

  // Queues "2026-11-27T14:55:02.123Z <text>" (text escaped: escape_for_log) and returns
  // without waiting for the output. When the buffer is full the line is dropped; the next
  // line that fits is preceded by "... N log lines dropped".
  void note(std::string_view text) const;

  struct shared_state;

 private:
  std::shared_ptr<shared_state> state_;  // shared with the writer thread, which may outlive this
};

// Broken pipes must not end the process: without this, writing the log or the first line on
// stdout to a pipe whose reader has gone raises SIGPIPE on POSIX (Windows has no SIGPIPE).
void ignore_broken_pipes() noexcept;

}  // namespace evsel::chat
