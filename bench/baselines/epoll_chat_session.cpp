// SPDX-License-Identifier: MIT
// evsel-bench-epoll-chat: one connected client and the output it has not taken yet.
#include "epoll_chat_session.hpp"

#include <cerrno>

#include <sys/socket.h>

namespace evsel_bench::chat {

int session::flush() noexcept {
  int failure = 0;
  while (out.unsent() != 0) {
    const ssize_t n = ::send(fd, out.unsent_data(), out.unsent(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;  // EPOLLOUT says when there is room
      failure = errno;
      break;
    }
    if (n == 0) break;  // not for a stream socket and a non-empty buffer; no spinning on it
    out.consumed(static_cast<std::size_t>(n));
  }
  out.settle();
  return failure;
}

}  // namespace evsel_bench::chat
