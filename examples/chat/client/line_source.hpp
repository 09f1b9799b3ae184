// SPDX-License-Identifier: MIT
// evsel chat client: standard input read on its own thread, handed over through a queue.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace evsel::chat {

// Standard input is no socket on Windows, so it cannot be waited on with the connection:
// a thread reads it and calls `arrived` after each line and at its end (the client sets a
// user event there, whose record it tells apart from the connection's and a stop's).
class line_source {
 public:
  explicit line_source(std::function<void()> arrived);
  // Afterwards `arrived` is never called again, even by a reading thread still blocked.
  ~line_source();
  line_source(const line_source&) = delete;
  line_source& operator=(const line_source&) = delete;

  // Starts the reading thread. It is detached: blocked in a read, it cannot be joined, and
  // the process may end while it waits.
  void start();
  // Moves the lines read so far to `out`; true once standard input has ended.
  bool take(std::deque<std::string>& out);

 private:
  // Shared with the thread, which may outlive this object.
  struct shared {
    std::mutex lock;
    std::function<void()> arrived;  // emptied by ~line_source; guarded by lock
    std::deque<std::string> lines;  // guarded by lock
    bool ended = false;             // guarded by lock
  };
  std::shared_ptr<shared> shared_;
};

}  // namespace evsel::chat
