// SPDX-License-Identifier: MIT
// evsel chat server: what is due at a time: each session's deadline, set on its socket, and
// the chores, which a timer brings a second after something needs them. Nothing else wakes
// the server: idle, it makes no system call.
#include <algorithm>

#include "chat_server.hpp"

namespace evsel::chat {
namespace {

constexpr auto no_deadline = std::chrono::steady_clock::time_point::max();

}  // namespace

// The earliest time something happens to the session unless the client acts first.
chat_server::clock::time_point chat_server::next_deadline(const session& s) const noexcept {
  switch (s.phase) {
    case session_phase::member: {
      // One about to be cut off or closed has no more deadlines.
      if (s.doomed) return no_deadline;
      clock::time_point due = no_deadline;
      // A paused member's line waits for the server, not for the client.
      if (s.line_open && !s.paused) due = s.line_started + options_.line_timeout;
      if (!s.spoke && options_.idle_timeout.count() > 0) {
        due = std::min(due, s.joined + options_.idle_timeout);
      }
      return due;
    }
    case session_phase::leaving:
      return s.linger_until;
    case session_phase::closed:
      break;
  }
  return no_deadline;
}

// Called after every change that may move the session's deadline; the poller hears of it
// only when it did move, so a client that sends whole lines costs nothing here.
void chat_server::plan_deadline(session& s) {
  if (s.phase == session_phase::closed) return;  // its socket left the poller
  const clock::time_point due = next_deadline(s);
  if (due == s.deadline) return;
  s.deadline = due;
  const std::error_code ec = due == no_deadline ? poller_.clear_deadline(s.connection)
                                                : poller_.set_deadline(s.connection, due);
  if (ec) {
    // Without its deadline it could hold its place forever.
    log_.note("error: " + s.peer.to_string() + ": cannot set its deadline: " + ec.message());
    doom(s, "internal error: " + ec.message(), false);
  }
}

// Its socket's deadline came (never early). The deadline may have moved since this record
// was made (the same batch read a line), so what is due is worked out again.
void chat_server::on_deadline(session& s) {
  const auto now = clock::now();
  // The one that came is spent; a later one set meanwhile is still on the poller.
  if (s.deadline <= now) s.deadline = no_deadline;
  if (s.phase == session_phase::leaving) {
    // Its last lines had their chance; closing now may reset the connection.
    if (now >= s.linger_until) {
      close_session(s, {});
      return;
    }
  } else if (s.phase == session_phase::member && !s.doomed) {
    if (s.line_open && !s.paused && now - s.line_started >= options_.line_timeout) {
      doom(s, "line not finished within " + std::to_string(options_.line_timeout.count()) + " s",
           true);
    } else if (!s.spoke && options_.idle_timeout.count() > 0 &&
               now - s.joined >= options_.idle_timeout) {
      doom(s, "said nothing within " + std::to_string(options_.idle_timeout.count()) + " s", true);
    }
  }
  plan_deadline(s);
}

// Something will need the chores: they come a second from now, once for everything that
// needs them by then.
void chat_server::need_chores() {
  if (chores_armed_) return;
  chores_armed_ = true;
  (void)chores_.arm(chores_delay);  // fails only for an empty timer or a negative period
}

void chat_server::do_chores() {
  (void)chores_.take_expirations();
  chores_armed_ = false;
  const auto now = clock::now();
  if (!stopping_) {
    const std::string summary = notices_.summary(members_);
    if (!summary.empty()) {
      for (auto& entry : sessions_) {
        if (entry.second.phase == session_phase::member) say_to(entry.second, summary);
      }
    }
  }
  log_refusals();
  const std::size_t still_to_forget = addresses_.prune(now);
  shed_again_at_ = 0;  // usage may have changed shape: shedding may be tried again
  // Reading waits for room that only clients who do not read hold: make it.
  if (!paused_.empty() && budget_.room() == 0) shed_memory();
  finish_batch();
  // Addresses whose allowance is still filling up, and paused readers, are looked at again.
  if (still_to_forget != 0 || !paused_.empty()) need_chores();
}

}  // namespace evsel::chat
