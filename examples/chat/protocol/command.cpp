// SPDX-License-Identifier: MIT
// evsel: what a chat client's line asks for: a message, a command, or a mistake to report.
#include "command.hpp"

#include <algorithm>

namespace evsel::chat {
namespace {

constexpr std::string_view blanks = " \t";

constexpr std::string_view nick_usage = "! usage: /nick NAME (1-32 of A-Z a-z 0-9 _ -)";
constexpr std::string_view me_usage = "! usage: /me TEXT";
constexpr std::string_view msg_usage = "! usage: /msg NICK TEXT";
constexpr std::string_view who_usage = "! usage: /who";
constexpr std::string_view help_usage = "! usage: /help";

std::string_view trim(std::string_view text) noexcept {
  const std::size_t first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

// Splits off the first word; `rest` is what follows it, trimmed.
std::string_view first_word(std::string_view words, std::string_view& rest) noexcept {
  const std::size_t end = std::min(words.find_first_of(blanks), words.size());
  rest = trim(words.substr(end));
  return words.substr(0, end);
}

char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_nick_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

cmd::error error_of(std::string_view text) {
  return cmd::error{std::string(text)};
}

}  // namespace

bool valid_nick(std::string_view name) noexcept {
  return !name.empty() && name.size() <= max_nick_length &&
         std::all_of(name.begin(), name.end(), is_nick_char);
}

std::string nick_key(std::string_view name) {
  std::string key(name);
  std::transform(key.begin(), key.end(), key.begin(), ascii_lower);
  return key;
}

const std::vector<std::string_view>& help_lines() {
  static const std::vector<std::string_view> lines = {
      "* /nick NAME      take a nick: 1-32 of A-Z a-z 0-9 _ - (unique regardless of case)",
      "* /who            list who is here",
      "* /me TEXT        tell everyone what you are doing",
      "* /msg NICK TEXT  send TEXT to NICK only",
      "* /quit [REASON]  leave",
      "* /help           show this help",
      "* Any other line goes to everyone. Start it with // to send a line beginning with /.",
  };
  return lines;
}

command parse_command(std::string_view sanitized_line) {
  const std::string_view line = trim(sanitized_line);
  if (line.empty()) return cmd::none{};
  if (line.front() != '/') return cmd::message{std::string(line)};
  if (line.size() > 1 && line[1] == '/') return cmd::message{std::string(line.substr(1))};

  std::string_view args;
  const std::string_view typed = first_word(line, args);  // "/NiCk", slash included
  const std::string name = nick_key(typed.substr(1));     // command names fold like nicks

  if (name == "nick") {
    if (!valid_nick(args)) return error_of(nick_usage);  // also rejects a second word
    return cmd::nick{std::string(args)};
  }
  if (name == "who") {
    if (!args.empty()) return error_of(who_usage);
    return cmd::who{};
  }
  if (name == "me") {
    if (args.empty()) return error_of(me_usage);
    return cmd::me{std::string(args)};
  }
  if (name == "msg") {
    std::string_view body;
    const std::string_view target = first_word(args, body);
    if (target.empty() || body.empty()) return error_of(msg_usage);
    return cmd::private_message{std::string(target), std::string(body)};
  }
  if (name == "quit") return cmd::quit{std::string(args)};
  if (name == "help") {
    if (!args.empty()) return error_of(help_usage);
    return cmd::help{};
  }
  return cmd::error{"! unknown command " + std::string(typed) + " (try /help)"};
}

}  // namespace evsel::chat
