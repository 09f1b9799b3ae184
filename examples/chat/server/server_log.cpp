// SPDX-License-Identifier: MIT
// evsel chat server: one timestamped line per connect, disconnect and error, on stderr,
// written by a thread of its own so that a slow or vanished reader never stops the server.
#include "server_log.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>

#include "text_sanitizer.hpp"
#include "windows_api.hpp"

#if !defined(_WIN32)
#include <unistd.h>
#endif

namespace evsel::chat {
namespace {

#if defined(_WIN32)
constexpr std::string_view line_end = "\r\n";  // as the C runtime's text mode wrote it
#else
constexpr std::string_view line_end = "\n";
#endif

std::string timestamp() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t seconds = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
#if defined(_WIN32)
  gmtime_s(&utc, &seconds);
#else
  gmtime_r(&seconds, &utc);
#endif
  char stamp[40];
  const std::size_t length = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(stamp + length, sizeof stamp - length, ".%03dZ ", static_cast<int>(millis));
  return stamp;
}

// Writes all of `data` to stderr, blocking as long as the reader makes it; false once the
// output has failed for good (a closed pipe: EPIPE, or ERROR_NO_DATA on Windows).
bool write_stderr(const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
#if defined(_WIN32)
    DWORD written = 0;
    const DWORD piece = static_cast<DWORD>(std::min<std::size_t>(data.size() - done, 1 << 20));
    if (!WriteFile(GetStdHandle(STD_ERROR_HANDLE), data.data() + done, piece, &written, nullptr)) {
      return false;
    }
    done += written;
#else
    const ssize_t n = ::write(STDERR_FILENO, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
#endif
  }
  return true;
}

}  // namespace

struct server_log::shared_state {
  explicit shared_state(std::size_t limit) : capacity(limit) {}

  const std::size_t capacity;
  std::mutex lock;
  std::condition_variable changed;
  std::string pending;           // lines not yet handed to the writer
  std::uint64_t unreported = 0;  // dropped since the last "... dropped" line
  bool writing = false;          // the writer holds lines it has taken
  bool stopping = false;
  bool broken = false;  // the output failed: lines are dropped without trying

  void append_drop_notice() {
    pending += timestamp() + "... " + std::to_string(unreported) + " log lines dropped";
    pending += line_end;
    unreported = 0;
  }

  void run_writer() {
    std::unique_lock<std::mutex> guard(lock);
    for (;;) {
      changed.wait(guard, [this] { return stopping || !pending.empty() || unreported != 0; });
      // Lines dropped after everything pending: say so now rather than with the next line,
      // which may be long in coming.
      if (unreported != 0 && !broken) append_drop_notice();
      if (pending.empty()) return;  // stopping, and everything went out
      std::string batch;
      batch.swap(pending);
      writing = true;
      guard.unlock();
      const bool ok = write_stderr(batch);
      guard.lock();
      writing = false;
      if (!ok) broken = true;
      changed.notify_all();
    }
  }
};

server_log::server_log(bool quiet, std::size_t capacity) {
  if (quiet) return;
  state_ = std::make_shared<shared_state>(capacity);
  // The thread holds the state too: if it is still blocked on a stalled reader when the
  // server ends, it is detached and ends with the process, never touching freed memory.
  std::thread([state = state_] { state->run_writer(); }).detach();
}

server_log::~server_log() {
  if (!state_) return;
  std::unique_lock<std::mutex> guard(state_->lock);
  state_->stopping = true;
  state_->changed.notify_all();
  state_->changed.wait_for(guard, std::chrono::seconds(1), [this] {
    return state_->broken || (state_->pending.empty() && !state_->writing);
  });
}

void server_log::note(std::string_view text) const {
  if (!state_) return;
  std::string line = timestamp();
  line += escape_for_log(text);
  line += line_end;
  const std::lock_guard<std::mutex> guard(state_->lock);
  shared_state& s = *state_;
  // Room for the line and for a notice of lines dropped before it.
  constexpr std::size_t notice_room = 80;
  if (s.broken || s.pending.size() + notice_room + line.size() > s.capacity) {
    ++s.unreported;
    return;
  }
  if (s.unreported != 0) s.append_drop_notice();
  s.pending += line;
  s.changed.notify_all();
}

void ignore_broken_pipes() noexcept {
#if defined(SIGPIPE)
  std::signal(SIGPIPE, SIG_IGN);
#endif
}

}  // namespace evsel::chat
