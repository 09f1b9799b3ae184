// SPDX-License-Identifier: MIT
// evsel-chat-client: sends the lines of standard input to a chat server and prints what
// arrives (see --help).
#include <chrono>
#include <cstdio>
#include <string>

#include <evsel/evsel.hpp>

#if defined(_WIN32)
#include <io.h>

#include <fcntl.h>
#endif

#include "chat_client.hpp"
#include "command.hpp"
#include "number_argument.hpp"
#include "stop_signal.hpp"

namespace {

int usage(std::FILE* to) {
  std::fputs(
      "usage: evsel-chat-client HOST:PORT [--nick NAME] [--connect-timeout SECONDS]\n"
      "  Connects to an evsel chat server, sends each line of standard input and prints\n"
      "  every line the server sends. HOST is an IPv4 or IPv6 address ([::1]:4567) or\n"
      "  localhost. Ends when the server closes the connection, or after standard input\n"
      "  ends and the server has answered.\n"
      "  --connect-timeout SECONDS  give up (status 1) when the server has not answered\n"
      "                       the connection within this time (1-86400; default: as long as\n"
      "                       the OS tries)\n",
      to);
  return to == stdout ? 0 : 2;
}

// evsel takes numeric addresses only; "localhost" is the one name worth knowing here.
evsel::endpoint parse_server(std::string text, std::error_code& ec) {
  const std::string name = "localhost:";
  if (text.compare(0, name.size(), name) == 0) text = "127.0.0.1:" + text.substr(name.size());
  return evsel::endpoint::parse(text, ec);
}

}  // namespace

int main(int argc, char** argv) {
  std::string server;
  std::string nick;
  std::chrono::seconds connect_timeout{0};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return usage(stdout);
    if (arg == "--version") {
      std::printf("evsel-chat-client %s (evsel backend %s)\n", EVSEL_VERSION_STRING,
                  evsel::poller::backend_name());
      return 0;
    }
    if (arg == "--nick" && i + 1 < argc) {
      nick = argv[++i];
      if (!evsel::chat::valid_nick(nick)) {
        std::fprintf(stderr, "evsel-chat-client: --nick: 1-32 of A-Z a-z 0-9 _ -\n");
        return 2;
      }
    } else if (arg == "--connect-timeout" && i + 1 < argc) {
      unsigned long long seconds = 0;
      if (!evsel_examples::parse_number(argv[++i], 1, 86400, seconds)) {
        std::fprintf(stderr,
                     "evsel-chat-client: --connect-timeout: a whole number from 1 to "
                     "86400\n");
        return 2;
      }
      connect_timeout = std::chrono::seconds(seconds);
    } else if (server.empty() && arg.rfind("--", 0) != 0) {
      server = arg;
    } else {
      return usage(stderr);
    }
  }
  if (server.empty()) return usage(stderr);
  std::error_code ec;
  const evsel::endpoint remote = parse_server(server, ec);
  if (ec) {
    std::fprintf(stderr, "evsel-chat-client: '%s' is not HOST:PORT\n", server.c_str());
    return 2;
  }
  evsel::socket connection = evsel::socket::open(remote.family(), evsel::protocol::tcp, ec);
  if (ec) {
    std::fprintf(stderr, "evsel-chat-client: socket: %s\n", ec.message().c_str());
    return 1;
  }
  evsel_examples::watch_stop_signals();
#if defined(_WIN32)
  // Print exactly what the server sends (LF line ends), not a CRLF translation of it.
  _setmode(_fileno(stdout), _O_BINARY);
#endif
  try {
    return evsel::chat::chat_client(std::move(connection), remote, connect_timeout).run(nick);
  } catch (const std::exception& e) {
    // The user event behind standard input or the stop signals, refused by the OS.
    std::fprintf(stderr, "evsel-chat-client: %s\n", e.what());
    return 1;
  }
}
