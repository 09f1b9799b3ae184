// SPDX-License-Identifier: MIT
// evsel chat server: what the lines clients send mean, and who hears what.
#include <type_traits>
#include <variant>

#include "chat_server.hpp"
#include "text_sanitizer.hpp"

namespace evsel::chat {

void chat_server::on_line(session& s, std::string_view raw) {
  // Control bytes, CR and LF included, are gone after sanitize: nothing a client sends can
  // become two lines, or a forged line, for anybody else.
  on_command(s, parse_command(sanitize(raw)));
}

void chat_server::on_command(session& s, const command& c) {
  std::visit(
      [this, &s](const auto& what) {
        using kind = std::decay_t<decltype(what)>;
        if constexpr (std::is_same_v<kind, cmd::message>) {
          say_to_others(s, "<" + s.nick + "> " + what.text);
        } else if constexpr (std::is_same_v<kind, cmd::nick>) {
          rename(s, what.name);
        } else if constexpr (std::is_same_v<kind, cmd::who>) {
          say_to(s, who_line());
        } else if constexpr (std::is_same_v<kind, cmd::me>) {
          say_to_others(s, "* " + s.nick + " " + what.text);
        } else if constexpr (std::is_same_v<kind, cmd::private_message>) {
          const auto found = nicks_.find(nick_key(what.nick));
          session* to = found == nicks_.end() ? nullptr : find(found->second);
          if (to == nullptr) {
            say_to(s, "! no such nick: " + what.nick);
          } else {
            say_to(*to, "*" + s.nick + "* " + what.text);
          }
        } else if constexpr (std::is_same_v<kind, cmd::quit>) {
          leave(s, what.reason.empty() ? "quit" : what.reason, "* bye");
        } else if constexpr (std::is_same_v<kind, cmd::help>) {
          for (std::string_view line : help_lines()) say_to(s, line);
        } else if constexpr (std::is_same_v<kind, cmd::error>) {
          say_to(s, what.text);
        } else {
          static_assert(std::is_same_v<kind, cmd::none>, "every command is handled");
        }
      },
      c);
}

void chat_server::rename(session& s, const std::string& name) {
  const std::string key = nick_key(name);
  if (name == s.nick) {
    say_to(s, "* you are already " + name);
    return;
  }
  // Unique without regard to case; a member may change the case of their own nick.
  if (key != s.key && nicks_.count(key) != 0) {
    say_to(s, "! nick " + name + " is taken");
    return;
  }
  nicks_.erase(s.key);
  nicks_.emplace(key, s.id);
  const std::string old = s.nick;
  s.nick = name;
  s.key = key;
  say_to_others(s, "* " + old + " is now " + name);
  say_to(s, "* you are now " + name);
  log_.note("nick " + old + " -> " + name);
}

void chat_server::say_to(session& to, std::string_view line) {
  if (to.phase == session_phase::closed || to.send_shut || to.doomed) return;
  const std::size_t size = line.size() + 1;
  if (to.unsent() + size > options_.max_queue) {
    // Output waits for the end of the batch; before judging, hand it to the kernel now.
    if (const std::error_code ec = send_queued(to)) {
      doom(to, "connection lost: " + ec.message(), false);
      return;
    }
    if (to.unsent() + size > options_.max_queue) {
      // Everyone else keeps receiving everything; this one is cut off after the batch.
      doom(to,
           "too slow: more than " + std::to_string(options_.max_queue) + " bytes of output waiting",
           true);
      return;
    }
  }
  if (to.unsent() == 0) to.last_progress = clock::now();  // its clock starts now
  to.queue_line(line);
  recharge(to);
  schedule_flush(to);
  check_memory();
}

void chat_server::say_to_others(const session& from, std::string_view line) {
  for (auto& entry : sessions_) {
    session& other = entry.second;
    if (&other != &from && other.phase == session_phase::member) say_to(other, line);
  }
}

void chat_server::leave(session& s, std::string_view reason, std::string_view goodbye) {
  if (s.phase != session_phase::member) return;
  if (!goodbye.empty()) say_to(s, goodbye);
  nicks_.erase(s.key);
  --members_;
  s.phase = session_phase::leaving;
  s.linger_until = clock::now() + linger_time;
  plan_deadline(s);
  schedule_flush(s);  // sends what is queued, then our FIN
  // While stopping, everyone is told that instead.
  if (!stopping_) {
    if (notices_.announce(membership_notices::change::left, clock::now())) {
      say_to_others(s, "* " + s.nick + " left (" + std::string(reason) + ")");
    } else {
      need_chores();  // the summary
    }
  }
  log_.note("disconnect " + s.nick + " " + s.peer.to_string() + " (" + std::string(reason) + ")");
}

std::string chat_server::who_line() const {
  // Bounded, so that /who costs the same with 10 or 10,000 members and always fits in
  // --max-queue.
  std::string line = "* " + std::to_string(members_) + " online:";
  const char* separator = " ";
  std::size_t listed = 0;
  for (const auto& entry : sessions_) {
    const session& other = entry.second;
    if (other.phase != session_phase::member) continue;
    if (listed == max_listed_nicks) break;
    line += separator;
    line += other.nick;
    separator = ", ";
    ++listed;
  }
  if (listed < members_) line += " and " + std::to_string(members_ - listed) + " more";
  return line;
}

std::string chat_server::next_guest_nick() {
  for (;;) {
    std::string nick = "guest" + std::to_string(++guests_);
    if (nicks_.count(nick) == 0) return nick;  // guest nicks are lower case: their own key
  }
}

}  // namespace evsel::chat
