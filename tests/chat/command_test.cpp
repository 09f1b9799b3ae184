// SPDX-License-Identifier: MIT
// evsel: unit tests of the chat command parser, nick rules and the /help text.
#include "command.hpp"

#include <string>
#include <string_view>
#include <variant>

#include "support/catch.hpp"

namespace {

using evsel::chat::command;
using evsel::chat::nick_key;
using evsel::chat::parse_command;
using evsel::chat::valid_nick;
namespace cmd = evsel::chat::cmd;

// The outcome as text, so that a failing CHECK shows what the parser returned.
struct show {
  std::string operator()(cmd::none) const { return "none"; }
  std::string operator()(const cmd::message& c) const { return "message{" + c.text + "}"; }
  std::string operator()(const cmd::nick& c) const { return "nick{" + c.name + "}"; }
  std::string operator()(cmd::who) const { return "who"; }
  std::string operator()(const cmd::me& c) const { return "me{" + c.text + "}"; }
  std::string operator()(const cmd::private_message& c) const {
    return "private{" + c.nick + "|" + c.text + "}";
  }
  std::string operator()(const cmd::quit& c) const { return "quit{" + c.reason + "}"; }
  std::string operator()(cmd::help) const { return "help"; }
  std::string operator()(const cmd::error& c) const { return "error{" + c.text + "}"; }
};

std::string parsed(std::string_view line) {
  return std::visit(show{}, parse_command(line));
}

const std::string nick_usage = "error{! usage: /nick NAME (1-32 of A-Z a-z 0-9 _ -)}";
const std::string me_usage = "error{! usage: /me TEXT}";
const std::string msg_usage = "error{! usage: /msg NICK TEXT}";

}  // namespace

TEST_CASE("A line not starting with a slash is a message to everyone", "[chat][command]") {
  CHECK(parsed("hello there") == "message{hello there}");
  CHECK(parsed("a/b") == "message{a/b}");
  CHECK(parsed("x") == "message{x}");
}

TEST_CASE("Surrounding spaces and tabs are trimmed from messages", "[chat][command]") {
  CHECK(parsed("  \thello  world \t ") == "message{hello  world}");
}

TEST_CASE("Empty and blank lines are nothing to do", "[chat][command]") {
  CHECK(parsed("") == "none");
  CHECK(parsed("   ") == "none");
  CHECK(parsed("\t \t") == "none");
  CHECK(std::holds_alternative<cmd::none>(parse_command(" ")));
}

TEST_CASE("A line starting with two slashes is a message with one slash removed",
          "[chat][command]") {
  CHECK(parsed("//etc/hosts is a file") == "message{/etc/hosts is a file}");
  CHECK(parsed("//nick bob") == "message{/nick bob}");
  CHECK(parsed("//") == "message{/}");
  CHECK(parsed("///") == "message{//}");
  CHECK(parsed("  //x") == "message{/x}");
}

TEST_CASE("nick with a valid name asks for that nick", "[chat][command]") {
  CHECK(parsed("/nick bob") == "nick{bob}");
  CHECK(parsed("/nick Bob_the-2nd") == "nick{Bob_the-2nd}");
  CHECK(parsed("  /nick \t alice \t") == "nick{alice}");
  CHECK(std::get<cmd::nick>(parse_command("/nick bob")) == cmd::nick{"bob"});
}

TEST_CASE("nick without a name or with an invalid one gives its usage", "[chat][command]") {
  CHECK(parsed("/nick") == nick_usage);
  CHECK(parsed("/nick   ") == nick_usage);
  CHECK(parsed("/nick bob smith") == nick_usage);
  CHECK(parsed("/nick b@b") == nick_usage);
  CHECK(parsed("/nick " + std::string(33, 'n')) == nick_usage);
}

TEST_CASE("who lists users and takes no arguments", "[chat][command]") {
  CHECK(parsed("/who") == "who");
  CHECK(parsed("/who  ") == "who");
  CHECK(parsed("/who is here") == "error{! usage: /who}");
}

TEST_CASE("me sends an action and needs its text", "[chat][command]") {
  CHECK(parsed("/me waves  at\tall ") == "me{waves  at\tall}");
  CHECK(parsed("/me") == me_usage);
  CHECK(parsed("/me  \t ") == me_usage);
}

TEST_CASE("msg sends a private message and needs both the nick and the text", "[chat][command]") {
  CHECK(parsed("/msg bob hi there") == "private{bob|hi there}");
  CHECK(parsed("/msg\tbob \t  hi  there ") == "private{bob|hi  there}");
  CHECK(parsed("/msg") == msg_usage);
  CHECK(parsed("/msg bob") == msg_usage);
  CHECK(parsed("/msg bob   ") == msg_usage);
  CHECK(std::get<cmd::private_message>(parse_command("/msg a b")) ==
        cmd::private_message{"a", "b"});
}

TEST_CASE("quit leaves with an optional reason", "[chat][command]") {
  CHECK(parsed("/quit") == "quit{}");
  CHECK(parsed("/quit   ") == "quit{}");
  CHECK(parsed("/quit gone  fishing ") == "quit{gone  fishing}");
}

TEST_CASE("help asks for the help text and takes no arguments", "[chat][command]") {
  CHECK(parsed("/help") == "help");
  CHECK(parsed("/help me") == "error{! usage: /help}");
}

TEST_CASE("Command names are case-insensitive", "[chat][command]") {
  CHECK(parsed("/NICK bob") == "nick{bob}");
  CHECK(parsed("/Nick Bob") == "nick{Bob}");
  CHECK(parsed("/WHO") == "who");
  CHECK(parsed("/Me jumps") == "me{jumps}");
  CHECK(parsed("/MSG Bob hi") == "private{Bob|hi}");
  CHECK(parsed("/QuIt bye") == "quit{bye}");
  CHECK(parsed("/HELP") == "help");
}

TEST_CASE("An unknown command is reported with a pointer to help", "[chat][command]") {
  CHECK(parsed("/foo") == "error{! unknown command /foo (try /help)}");
  CHECK(parsed("/Dance wildly") == "error{! unknown command /Dance (try /help)}");
  CHECK(parsed("/") == "error{! unknown command / (try /help)}");
  CHECK(parsed("/nickname bob") == "error{! unknown command /nickname (try /help)}");
  CHECK(parsed("/ nick bob") == "error{! unknown command / (try /help)}");
}

TEST_CASE("Every error text starts with an exclamation mark and a space", "[chat][command]") {
  for (const char* line : {"/nick", "/me", "/msg", "/msg x", "/who x", "/help x", "/zzz", "/"}) {
    INFO(line);
    const command c = parse_command(line);
    REQUIRE(std::holds_alternative<cmd::error>(c));
    CHECK(std::get<cmd::error>(c).text.rfind("! ", 0) == 0);
  }
}

TEST_CASE("Nicks are 1 to 32 characters", "[chat][nick]") {
  CHECK_FALSE(valid_nick(""));
  CHECK(valid_nick("a"));
  CHECK(valid_nick(std::string(32, 'a')));
  CHECK_FALSE(valid_nick(std::string(33, 'a')));
  CHECK(evsel::chat::max_nick_length == 32);
}

TEST_CASE("Nicks are made of ASCII letters digits underscore and hyphen", "[chat][nick]") {
  CHECK(valid_nick("AZaz09_-"));
  CHECK(valid_nick("-"));
  CHECK(valid_nick("0"));
  for (const char* bad : {"a b", "a\tb", "a.b", "a@b", "a/b", "a:b", "a!", "[a]", "a,b", "a*"}) {
    INFO(bad);
    CHECK_FALSE(valid_nick(bad));
  }
  CHECK_FALSE(valid_nick("caf\xC3\xA9"));
  CHECK_FALSE(valid_nick(std::string("a\0b", 3)));
}

TEST_CASE("nick_key folds ASCII letters to lower case and nothing else", "[chat][nick]") {
  CHECK(nick_key("Bob") == "bob");
  CHECK(nick_key("BOB") == nick_key("bob"));
  CHECK(nick_key("Mixed_Case-09") == "mixed_case-09");
  CHECK(nick_key("") == "");
  CHECK(nick_key("\xC3\x89") == "\xC3\x89");  // non-ASCII bytes are left alone
  CHECK(nick_key("@[`{") == "@[`{");          // the neighbours of A-Z and a-z too
}

TEST_CASE("Help lines describe every command and each starts with an asterisk and a space",
          "[chat][help]") {
  const auto& lines = evsel::chat::help_lines();
  REQUIRE_FALSE(lines.empty());
  std::string all;
  for (std::string_view line : lines) {
    INFO(line);
    CHECK(line.substr(0, 2) == "* ");
    CHECK(line.find_first_of("\r\n") == std::string_view::npos);
    all += line;
    all += '\n';
  }
  for (const char* name : {"/nick", "/who", "/me", "/msg", "/quit", "/help", "//"}) {
    INFO(name);
    CHECK(all.find(name) != std::string::npos);
  }
}
