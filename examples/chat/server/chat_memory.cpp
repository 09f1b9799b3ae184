// SPDX-License-Identifier: MIT
// evsel chat server: the memory budget: what each session holds, and shedding the clients
// furthest behind when the total is spent.
#include <algorithm>

#include "chat_server.hpp"

namespace evsel::chat {
namespace {

// Below this, a client's backlog is not worth cutting it off for.
constexpr std::size_t least_worth_shedding = 4 * 1024;

}  // namespace

// A session's charge: its state, its buffers' memory, and, while it has output waiting, a
// full kernel send buffer (output waits only once the kernel's buffer is full).
void chat_server::recharge(session& s) {
  std::size_t now = 0;
  if (s.phase != session_phase::closed) {
    now = session_overhead + s.out.footprint() + s.framer.footprint() +
          (s.unsent() != 0 ? kernel_send_buffer_ : 0);
  }
  budget_.recharge(s.charged, now);
}

// What cutting the session off gives back soon: its backlog and its partial line.
std::size_t chat_server::held(const session& s) const noexcept {
  const std::size_t output = s.unsent() != 0 ? s.unsent() + kernel_send_buffer_ : 0;
  return output + s.framer.pending();
}

void chat_server::check_memory() {
  if (budget_.exceeded() && budget_.used() >= shed_again_at_) shed_memory();
}

// First every queue goes to the kernel: readers that keep up take theirs. Then every client
// holding at least half as much as the one holding most is cut off (output dropped now, its
// partial line when the cut-off is carried out), and again, until usage is down to the
// low-water mark or nobody holds much. Readers that keep up hold little and are never chosen
// while others hold much more: they lose nothing.
void chat_server::shed_memory() {
  for (auto& entry : sessions_) {
    session& s = entry.second;
    if (s.phase == session_phase::closed || s.doomed || s.unsent() == 0) continue;
    if (const std::error_code ec = s.flush()) doom(s, "connection lost: " + ec.message(), false);
    recharge(s);
  }
  for (;;) {
    std::size_t most = 0;
    std::size_t releasing = 0;  // held by sessions doomed already, given back this batch
    for (const auto& entry : sessions_) {
      const session& s = entry.second;
      if (s.phase == session_phase::closed) continue;
      if (s.doomed) {
        releasing += held(s);
      } else {
        most = std::max(most, held(s));
      }
    }
    const std::size_t used = budget_.used() - std::min(budget_.used(), releasing);
    if (used <= budget_.low_water()) return;
    if (most < least_worth_shedding) break;
    for (auto& entry : sessions_) {
      session& s = entry.second;
      if (s.phase == session_phase::closed || s.doomed || held(s) < most / 2) continue;
      const bool output = s.unsent() >= s.framer.pending();
      doom(s,
           output ? "too slow: the server's memory for waiting lines is spent"
                  : "unfinished line too large for the server's memory",
           true);
      s.drop_unsent_lines();
      recharge(s);
    }
  }
  // Nothing more worth shedding: not again before usage has grown by a sixteenth.
  shed_again_at_ = budget_.used() + budget_.limit() / 16;
}

}  // namespace evsel::chat
