// SPDX-License-Identifier: MIT
// evsel chat server: what is due once a second: deadlines, summaries, pruning.
#include <algorithm>

#include "chat_server.hpp"

namespace evsel::chat {

void chat_server::sweep() {
  const auto now = clock::now();
  if (now < next_sweep_) return;
  next_sweep_ = now + sweep_interval;
  for (auto& entry : sessions_) sweep_session(entry.second, now);
  if (!stopping_) {
    const std::string summary = notices_.summary(members_);
    if (!summary.empty()) {
      for (auto& entry : sessions_) {
        if (entry.second.phase == session_phase::member) say_to(entry.second, summary);
      }
    }
  }
  log_refusals();
  addresses_.prune(now);
  shed_again_at_ = 0;  // usage may have changed shape: shedding may be tried again
  // Reading waits for room that only clients who do not read hold: make it.
  if (!paused_.empty() && budget_.room() == 0) shed_memory();
  finish_batch();
}

void chat_server::sweep_session(session& s, clock::time_point now) {
  switch (s.phase) {
    case session_phase::member:
      if (s.doomed) break;
      // A paused member's line waits for the server, not for the client.
      if (s.line_open && !s.paused && now - s.line_started > options_.line_timeout) {
        doom(s, "line not finished within " + std::to_string(options_.line_timeout.count()) + " s",
             true);
      } else if (!s.spoke && options_.idle_timeout.count() > 0 &&
                 now - s.joined > options_.idle_timeout) {
        doom(s, "said nothing within " + std::to_string(options_.idle_timeout.count()) + " s",
             true);
      }
      break;
    case session_phase::leaving:
      // Its last lines had their chance; closing now may reset the connection.
      if (now >= s.linger_until) close_session(s, {});
      break;
    case session_phase::closed:
      break;  // freed at the end of this batch
  }
}

chat_server::clock::duration chat_server::time_to_next_sweep(clock::duration cap) const {
  const clock::duration wait = std::min(cap, next_sweep_ - clock::now());
  return std::max(wait, clock::duration::zero());
}

}  // namespace evsel::chat
