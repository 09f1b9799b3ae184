// SPDX-License-Identifier: MIT
// evsel: what a chat client's line asks for: a message, a command, or a mistake to report.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace evsel::chat {

/// Nicks are 1 to this many characters of A-Z a-z 0-9 _ -.
inline constexpr std::size_t max_nick_length = 32;

/// True if `name` is 1-32 characters of A-Z a-z 0-9 _ - (ASCII only, so a nick is always
/// safe to print and its nick_key() is exact).
bool valid_nick(std::string_view name) noexcept;

/// The key under which a nick is unique: ASCII lower case, so "Bob" and "bOB" collide.
std::string nick_key(std::string_view name);

/// The lines the server sends in answer to /help, each starting with "* ".
const std::vector<std::string_view>& help_lines();

/// The outcomes of parse_command(). Strings are copies, independent of the parsed line.
/// Each compares with == (for tests, and for callers that compare outcomes).
namespace cmd {
/// An empty or whitespace-only line: nothing to do.
struct none {
  friend bool operator==(none, none) noexcept { return true; }
};
/// A line for everyone.
struct message {
  std::string text;
  friend bool operator==(const message& a, const message& b) { return a.text == b.text; }
};
/// /nick NAME; NAME has passed valid_nick().
struct nick {
  std::string name;
  friend bool operator==(const nick& a, const nick& b) { return a.name == b.name; }
};
/// /who
struct who {
  friend bool operator==(who, who) noexcept { return true; }
};
/// /me TEXT, an action.
struct me {
  std::string text;
  friend bool operator==(const me& a, const me& b) { return a.text == b.text; }
};
/// /msg NICK TEXT. NICK is not validated here: the server answers unknown nicks.
struct private_message {
  std::string nick;
  std::string text;
  friend bool operator==(const private_message& a, const private_message& b) {
    return a.nick == b.nick && a.text == b.text;
  }
};
/// /quit [REASON]; `reason` is empty when none was given.
struct quit {
  std::string reason;
  friend bool operator==(const quit& a, const quit& b) { return a.reason == b.reason; }
};
/// /help
struct help {
  friend bool operator==(help, help) noexcept { return true; }
};
/// A mistake to report: `text` goes back to the client as is and starts with "! ".
struct error {
  std::string text;
  friend bool operator==(const error& a, const error& b) { return a.text == b.text; }
};
}  // namespace cmd

using command = std::variant<cmd::none,
                             cmd::message,
                             cmd::nick,
                             cmd::who,
                             cmd::me,
                             cmd::private_message,
                             cmd::quit,
                             cmd::help,
                             cmd::error>;

/// Reads one line, already framed and sanitize()d. Surrounding spaces and tabs are ignored.
///
/// - A line not starting with '/' is a message to everyone.
/// - A line starting with "//" is a message too, with one '/' removed: the escape for text
///   that begins with a slash ("//etc/hosts" sends "/etc/hosts").
/// - Otherwise the word after '/' names a command, in any letter case (/NICK, /Nick);
///   arguments are separated by one or more spaces or tabs. /nick, /me and /msg need their
///   arguments, /who and /help take none; a wrong use gives cmd::error with the usage.
/// - An unknown command gives cmd::error "! unknown command /NAME (try /help)".
command parse_command(std::string_view sanitized_line);

}  // namespace evsel::chat
