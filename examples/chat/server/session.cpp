// SPDX-License-Identifier: MIT
// evsel chat server: one connected client and the output it has not taken yet.
#include "session.hpp"

namespace evsel::chat {

std::error_code session::flush() noexcept {
  while (sent < outbox.size()) {
    std::error_code ec;
    const std::size_t n = connection.send(outbox.data() + sent, outbox.size() - sent, ec);
    if (ec == errc::would_block) break;  // write is recorded again once there is room
    if (ec) return ec;
    sent += n;
  }
  // Everything out: start again at the front. Otherwise drop what went out once it is most
  // of the buffer, so the copy stays proportional to what was sent.
  if (sent == outbox.size()) {
    outbox.clear();
    sent = 0;
  } else if (sent > outbox.size() / 2) {
    outbox.erase(0, sent);
    sent = 0;
  }
  return {};
}

}  // namespace evsel::chat
