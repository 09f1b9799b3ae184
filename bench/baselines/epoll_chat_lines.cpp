// SPDX-License-Identifier: MIT
// evsel-bench-epoll-chat: lines: framing them, what they mean, and who hears what.
#include <algorithm>
#include <cstring>
#include <iterator>
#include <string>

#include "epoll_chat_server.hpp"

namespace evsel_bench::chat {
namespace {

constexpr std::string_view blanks = " \t";

std::string_view trim(std::string_view text) noexcept {
  const std::size_t first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower_case(std::string_view text) {
  std::string folded(text);
  std::transform(folded.begin(), folded.end(), folded.begin(), ascii_lower);
  return folded;
}

// 1-32 of A-Z a-z 0-9 _ -, as evsel-chat-server takes them.
bool valid_nick(std::string_view name) noexcept {
  return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

const std::string too_long =
    "! line too long (at most " + std::to_string(max_line) + " bytes), ignored\n";
const std::string too_slow =
    "too slow: more than " + std::to_string(max_queue) + " bytes of output waiting";

}  // namespace

void chat_server::feed(session& s, std::string_view input) {
  // Stops as soon as the client is no longer served: the rest of its input is dropped.
  while (!input.empty() && s.state == phase::member && !s.doomed) {
    const std::size_t lf = input.find('\n');
    if (lf == std::string_view::npos) return hold_partial_line(s, input);
    const std::string_view piece = input.substr(0, lf);
    input.remove_prefix(lf + 1);
    if (s.skipping) {  // the end of an overlong line, reported already
      s.skipping = false;
    } else if (s.partial.empty()) {
      on_framed_line(s, piece);  // the common case: the whole line came in one read
    } else if (s.partial.size() + piece.size() > max_line + 1) {
      s.partial.clear();
      say_to(s, too_long);
    } else {
      s.partial.append(piece);
      on_framed_line(s, s.partial);
      s.partial.clear();
    }
  }
}

void chat_server::hold_partial_line(session& s, std::string_view start) {
  if (s.skipping) return;
  // One byte over the limit may be the CR of a CRLF. Beyond that the line is reported now,
  // not at its LF, which may never come: the server holds at most max_line + 1 bytes.
  if (s.partial.size() + start.size() > max_line + 1) {
    s.partial.clear();
    s.skipping = true;
    say_to(s, too_long);
    return;
  }
  s.partial.append(start);
}

void chat_server::on_framed_line(session& s, std::string_view raw) {
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  if (raw.size() > max_line) {
    say_to(s, too_long);
  } else {
    on_line(s, raw);
  }
}

void chat_server::on_line(session& s, std::string_view raw) {
  // A stray CR could make a terminal overwrite the line: it goes, as evsel-chat-server's
  // sanitizing removes it (and more).
  std::string without_cr;
  if (raw.find('\r') != std::string_view::npos) {
    without_cr.reserve(raw.size());
    std::copy_if(raw.begin(), raw.end(), std::back_inserter(without_cr),
                 [](char c) { return c != '\r'; });
    raw = without_cr;
  }
  const std::string_view line = trim(raw);
  if (line.empty()) return;
  if (line.front() != '/') return relay(s, line);
  if (line.size() > 1 && line[1] == '/') return relay(s, line.substr(1));  // "//" escapes '/'

  const std::size_t end = std::min(line.find_first_of(blanks), line.size());
  const std::string_view typed = line.substr(0, end);
  const std::string_view argument = trim(line.substr(end));
  if (lower_case(typed.substr(1)) != "nick") {
    say_to(s, "! unknown command " + std::string(typed) + " (only /nick is served here)\n");
  } else if (!valid_nick(argument)) {
    say_to(s, "! usage: /nick NAME (1-32 of A-Z a-z 0-9 _ -)\n");
  } else {
    rename(s, argument);
  }
}

void chat_server::relay(session& from, std::string_view text) {
  line_.clear();
  line_ += '<';
  line_ += from.nick;
  line_ += "> ";
  line_ += text;
  line_ += '\n';
  say_to_others(from, line_);
}

void chat_server::rename(session& s, std::string_view name) {
  if (name == s.nick) {
    say_to(s, "* you are already " + std::string(name) + "\n");
    return;
  }
  // Unique without regard to case; a member may change the case of their own nick.
  std::string key = lower_case(name);
  if (key != s.key && nicks_.count(key) != 0) {
    say_to(s, "! nick " + std::string(name) + " is taken\n");
    return;
  }
  nicks_.erase(s.key);
  nicks_.emplace(key, &s);
  const std::string old = std::move(s.nick);
  s.nick = name;
  s.key = std::move(key);
  say_to_others(s, "* " + old + " is now " + s.nick + "\n");
  say_to(s, "* you are now " + s.nick + "\n");
}

void chat_server::say_to(session& to, std::string_view line) {
  if (to.state == phase::closed || to.send_shut || to.doomed) return;
  if (to.unsent() + line.size() > max_queue) {
    // Output waits for the end of the batch; before judging, hand it to the kernel now.
    if (const int error = to.flush()) {
      doom(to, std::string("connection lost: ") + std::strerror(error), false);
      return;
    }
    if (to.unsent() + line.size() > max_queue) {
      // Everyone else keeps receiving everything; this one is cut off after the batch.
      doom(to, too_slow, true);
      return;
    }
  }
  to.out.queue_lines(line);
  schedule_flush(to);
}

void chat_server::say_to_others(const session& from, std::string_view line) {
  for (const auto& other : sessions_) {
    if (other.get() != &from && other->state == phase::member) say_to(*other, line);
  }
}

void chat_server::leave(session& s, std::string_view reason) {
  if (s.state != phase::member) return;
  nicks_.erase(s.key);
  --members_;
  s.state = phase::leaving;
  s.linger_until = clock::now() + linger_time;
  lingering_.push_back(&s);
  schedule_flush(s);  // sends what is queued, then our FIN
  say_to_others(s, "* " + s.nick + " left (" + std::string(reason) + ")\n");
}

std::string chat_server::next_guest_nick() {
  for (;;) {
    std::string nick = "guest" + std::to_string(++guests_);
    if (nicks_.count(nick) == 0) return nick;
  }
}

}  // namespace evsel_bench::chat
