// SPDX-License-Identifier: MIT
// evsel chat server: one connected client and the output it has not taken yet.
#include "session.hpp"

namespace evsel::chat {
namespace {

constexpr std::size_t idle_capacity = 16 * 1024;

}  // namespace

std::error_code session::flush() noexcept {
  while (sent < outbox.size()) {
    std::error_code ec;
    const std::size_t n = connection.send(outbox.data() + sent, outbox.size() - sent, ec);
    if (ec == errc::would_block) break;  // write is recorded again once there is room
    if (ec) return ec;
    if (n != 0) partial_line_out = outbox[sent + n - 1] != '\n';
    sent += n;
  }
  // Everything out: start again at the front. Otherwise drop what went out once it is most
  // of the buffer, so the copy stays proportional to what was sent.
  if (sent == outbox.size()) {
    // After a burst, give the memory back: an idle client holds no output buffer.
    if (outbox.capacity() > idle_capacity) {
      std::string().swap(outbox);
    } else {
      outbox.clear();
    }
    sent = 0;
  } else if (sent > outbox.size() / 2) {
    outbox.erase(0, sent);
    sent = 0;
  }
  return {};
}

void session::drop_unsent_lines() noexcept {
  std::size_t keep = sent;
  if (partial_line_out) {
    const std::size_t end = outbox.find('\n', sent);
    keep = end == std::string::npos ? outbox.size() : end + 1;
  }
  outbox.resize(keep);
}

}  // namespace evsel::chat
