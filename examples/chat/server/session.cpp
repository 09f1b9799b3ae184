// SPDX-License-Identifier: MIT
// evsel chat server: one connected client and the output it has not taken yet.
#include "session.hpp"

#include <algorithm>

namespace evsel::chat {

std::error_code session::flush(std::size_t max_piece) noexcept {
  std::error_code failure;
  while (out.unsent() != 0) {
    std::error_code ec;
    const std::size_t n = connection.send(out.unsent_data(), std::min(out.unsent(), max_piece), ec);
    if (ec == errc::would_block) break;  // write is recorded again once there is room
    if (ec) {
      failure = ec;
      break;
    }
    out.consumed(n);
  }
  out.settle();
  return failure;
}

}  // namespace evsel::chat
