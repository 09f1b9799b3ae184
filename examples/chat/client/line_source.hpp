// SPDX-License-Identifier: MIT
// evsel chat client: standard input read on its own thread, handed over through a queue.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace evsel::chat {

// Standard input is no socket on Windows, so it cannot be waited on with the connection:
// a thread reads it and calls `arrived` (poller::wake) after each line and at its end.
class line_source {
 public:
  explicit line_source(std::function<void()> arrived) : arrived_(std::move(arrived)) {}

  // Starts the reading thread. It is detached: blocked in a read, it cannot be joined, and
  // the process may end while it waits.
  void start();
  // Moves the lines read so far to `out`; true once standard input has ended.
  bool take(std::deque<std::string>& out);

 private:
  std::function<void()> arrived_;
  std::mutex lock_;
  std::deque<std::string> lines_;  // guarded by lock_
  bool ended_ = false;             // guarded by lock_
};

}  // namespace evsel::chat
