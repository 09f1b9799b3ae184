// SPDX-License-Identifier: MIT
// evsel: the POSIX wake signal of a user_event: an eventfd on Linux, a pipe elsewhere.
#include <cerrno>

#include <fcntl.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/eventfd.h>
#endif

#include "../os.hpp"

namespace evsel::detail::os {
namespace {

std::error_code last_error() noexcept {
  return {errno, std::system_category()};
}

#if !defined(__linux__)
bool make_nonblocking_cloexec(int fd) noexcept {
  const int flags = ::fcntl(fd, F_GETFL);
  return flags != -1 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != -1 &&
         ::fcntl(fd, F_SETFD, FD_CLOEXEC) != -1;
}
#endif

}  // namespace

wake_signal make_wake_signal(std::error_code& ec) noexcept {
  ec.clear();
  wake_signal w;
#if defined(__linux__)
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd == -1) {
    ec = last_error();
    return w;
  }
  w.waitable = w.raisable = fd;
#else
  int ends[2];
  if (::pipe(ends) == -1) {
    ec = last_error();
    return w;
  }
  if (!make_nonblocking_cloexec(ends[0]) || !make_nonblocking_cloexec(ends[1])) {
    ec = last_error();
    ::close(ends[0]);
    ::close(ends[1]);
    return w;
  }
  w.waitable = ends[0];
  w.raisable = ends[1];
#endif
  return w;
}

void raise_wake_signal(const wake_signal& w) noexcept {
  // write(2) is async-signal-safe; errno is kept for the interrupted code.
  const int saved = errno;
#if defined(__linux__)
  const std::uint64_t one = 1;
#else
  const unsigned char one = 1;
#endif
  ssize_t written;
  do {
    written = ::write(static_cast<int>(w.raisable), &one, sizeof one);
  } while (written == -1 && errno == EINTR);
  // EAGAIN: the eventfd counter or the pipe is full, so it is ready already.
  errno = saved;
}

void clear_wake_signal(const wake_signal& w) noexcept {
  unsigned char drain[64];
  for (;;) {
    const ssize_t got = ::read(static_cast<int>(w.waitable), drain, sizeof drain);
    if (got > 0) continue;
    if (got == -1 && errno == EINTR) continue;
    return;  // empty (EAGAIN), or an eventfd read whole in one go and now empty
  }
}

void close_wake_signal(wake_signal& w) noexcept {
  if (w.raisable != w.waitable && w.raisable != -1) ::close(static_cast<int>(w.raisable));
  if (w.waitable != -1) ::close(static_cast<int>(w.waitable));
  w = wake_signal{};
}

}  // namespace evsel::detail::os
