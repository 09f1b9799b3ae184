// SPDX-License-Identifier: MIT
// evsel-wsa: the waits of blocking calls. evsel's sockets never block, so a Winsock
// socket in blocking mode (the default, until ioctlsocket(FIONBIO) or WSAEventSelect) makes
// its call, and while it would block, waits here for the socket to become ready.
#include <cerrno>
#include <chrono>
#include <mutex>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "wsa_runtime.hpp"

namespace evsel::wsa {

namespace {

// The pipe closesocket writes to; made on first need, since most sockets never block.
int cancel_fd_locked(socket_entry& entry) noexcept {
  if (entry.cancel_pipe[0] < 0) {
    int fds[2];
    if (::pipe(fds) != 0) return -1;
    for (const int fd : fds) {
      (void)::fcntl(fd, F_SETFD, FD_CLOEXEC);
      (void)::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    entry.cancel_pipe[0] = fds[0];
    entry.cancel_pipe[1] = fds[1];
  }
  return entry.cancel_pipe[0];
}

}  // namespace

int wait_ready(socket_entry& entry, readiness what, int timeout_ms) noexcept {
  int cancel = -1;
  {
    const std::lock_guard<std::mutex> lock(entry.cancel_mutex);
    cancel = cancel_fd_locked(entry);
  }
  if (cancel < 0) return code::no_buffer_space;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (entry.closing.load(std::memory_order_acquire)) return code::interrupted;
    int wait_ms = -1;
    if (timeout_ms > 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return code::timed_out;
      wait_ms = static_cast<int>(left.count());
    }
    pollfd fds[2] = {};
    fds[0].fd = entry.sock.native_handle();
    // Only what the call takes: an urgent byte pending must not end a wait for data, or
    // a blocking recv would spin until data comes.
    fds[0].events = what == readiness::readable ? POLLIN
                    : what == readiness::urgent ? POLLPRI
                                                : POLLOUT;
    fds[1].fd = cancel;
    fds[1].events = POLLIN;
    const int n = ::poll(fds, 2, wait_ms);
    if (n < 0 && errno != EINTR) return code::invalid_argument;
    // A close on another thread wins over what the socket says at the same moment: the
    // peer may well have closed too (WSACleanup closes both ends of a loopback pair).
    if (entry.closing.load(std::memory_order_acquire) || (n > 0 && fds[1].revents != 0)) {
      return code::interrupted;
    }
    // Errors and hang-ups count as ready: the call that follows reports them.
    if (n > 0 && fds[0].revents != 0) return 0;
  }
}

void cancel_blocking(socket_entry& entry) noexcept {
  entry.closing.store(true, std::memory_order_release);
  const std::lock_guard<std::mutex> lock(entry.cancel_mutex);
  if (entry.cancel_pipe[1] >= 0) {
    const char byte = 1;
    (void)!::write(entry.cancel_pipe[1], &byte, 1);
  }
}

socket_entry::~socket_entry() {
  for (int& fd : cancel_pipe) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

}  // namespace evsel::wsa
