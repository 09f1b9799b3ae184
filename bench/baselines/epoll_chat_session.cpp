// SPDX-License-Identifier: MIT
// evsel-bench-epoll-chat: one connected client and the output it has not taken yet.
#include "epoll_chat_session.hpp"

#include <cerrno>

#include <sys/socket.h>

namespace evsel_bench::chat {
namespace {

constexpr std::size_t idle_capacity = 16 * 1024;

}  // namespace

int session::flush() noexcept {
  while (sent < outbox.size()) {
    const ssize_t n = ::send(fd, outbox.data() + sent, outbox.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;  // EPOLLOUT says when there is room
      return errno;
    }
    if (n == 0) break;  // not for a stream socket and a non-empty buffer; no spinning on it
    sent += static_cast<std::size_t>(n);
    partial_line_out = outbox[sent - 1] != '\n';
  }
  if (sent == outbox.size()) {
    // After a burst, give the memory back: an idle client holds no output buffer.
    if (outbox.capacity() > idle_capacity) {
      std::string().swap(outbox);
    } else {
      outbox.clear();
    }
    sent = 0;
  } else if (sent > outbox.size() / 2) {
    // Drop what went out once it is most of the buffer: copying stays proportional to it.
    outbox.erase(0, sent);
    sent = 0;
  }
  return 0;
}

void session::drop_unsent_lines() noexcept {
  std::size_t keep = sent;
  if (partial_line_out) {
    const std::size_t end = outbox.find('\n', sent);
    keep = end == std::string::npos ? outbox.size() : end + 1;
  }
  outbox.resize(keep);
}

}  // namespace evsel_bench::chat
