// SPDX-License-Identifier: MIT
// evsel-chat-client: sends the lines of standard input to a chat server and prints what
// arrives (see --help).
#include <chrono>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include <evsel/evsel.hpp>

#if defined(_WIN32)
#include <io.h>

#include <fcntl.h>
#endif

#include "command.hpp"
#include "line_source.hpp"
#include "stop_signal.hpp"

namespace {

using namespace std::chrono_literals;

int usage(std::FILE* to) {
  std::fputs(
      "usage: evsel-chat-client HOST:PORT [--nick NAME]\n"
      "  Connects to an evsel chat server, sends each line of standard input and prints\n"
      "  every line the server sends. HOST is an IPv4 or IPv6 address ([::1]:4567) or\n"
      "  localhost. Ends when the server closes the connection, or after standard input\n"
      "  ends and the server has answered.\n",
      to);
  return to == stdout ? 0 : 2;
}

int fail(const std::string& what, const std::error_code& ec) {
  std::fprintf(stderr, "evsel-chat-client: %s: %s\n", what.c_str(), ec.message().c_str());
  return 1;
}

// evsel takes numeric addresses only; "localhost" is the one name worth knowing here.
evsel::endpoint parse_server(std::string text, std::error_code& ec) {
  const std::string name = "localhost:";
  if (text.compare(0, name.size(), name) == 0) text = "127.0.0.1:" + text.substr(name.size());
  return evsel::endpoint::parse(text, ec);
}

class chat_client {
 public:
  explicit chat_client(evsel::socket connection)
      : socket_(std::move(connection)), input_([this] { poller_.wake(); }) {}

  int run(const std::string& nick) {
    const auto mask =
        evsel::event::connect | evsel::event::read | evsel::event::write | evsel::event::close;
    if (const std::error_code ec = poller_.add(socket_, mask)) return fail("poller", ec);
    if (!nick.empty()) outbox_ = "/nick " + nick + "\n";
    input_.start();
    std::vector<evsel::ready_record> records(4);
    while (!evsel_examples::stop_requested()) {
      std::error_code ec;
      const std::size_t n = poller_.wait(records.data(), records.size(), 250ms, ec);
      if (ec) return fail("wait", ec);
      for (std::size_t i = 0; i < n; ++i) {
        const evsel::ready_record& r = records[i];
        if (r.has(evsel::event::connect) && r.error(evsel::event::connect)) {
          return fail("cannot connect", r.error(evsel::event::connect));
        }
        if (r.has(evsel::event::connect)) connected_ = true;
        if (r.has(evsel::event::read | evsel::event::close)) {
          if (const int status = receive(); status >= 0) return status;
        }
      }
      if (!input_ended_) input_ended_ = take_input();
      if (connected_) {
        if (const std::error_code send_ec = flush()) return fail("send", send_ec);
      }
    }
    return 0;
  }

 private:
  // Prints what arrived; returns the exit status once the server has closed, else -1.
  int receive() {
    char buffer[16 * 1024];
    for (;;) {
      std::error_code ec;
      const std::size_t n = socket_.recv(buffer, sizeof buffer, ec);
      if (ec == evsel::errc::would_block) return -1;
      if (ec) return fail("connection lost", ec);
      if (n == 0) return closed();
      if (!welcomed_ && seen_.size() < 4096) {
        seen_.append(buffer, n);
        welcomed_ = seen_.find("* welcome") != std::string::npos;
      }
      std::fwrite(buffer, 1, n, stdout);
      std::fflush(stdout);
    }
  }

  // The server closed the connection: fine after a welcome, a refusal before one (the
  // server said why, "! server full" for instance, and that has been printed).
  int closed() const {
    if (welcomed_) return 0;
    std::fprintf(stderr, "evsel-chat-client: the server closed the connection\n");
    return 1;
  }

  bool take_input() {
    std::deque<std::string> lines;
    const bool ended = input_.take(lines);
    for (const std::string& line : lines) {
      outbox_ += line;
      outbox_ += '\n';
    }
    return ended;
  }

  std::error_code flush() {
    while (sent_ < outbox_.size()) {
      std::error_code ec;
      const std::size_t n = socket_.send(outbox_.data() + sent_, outbox_.size() - sent_, ec);
      if (ec == evsel::errc::would_block) return {};  // write comes again when there is room
      if (ec) return ec;
      sent_ += n;
    }
    outbox_.clear();
    sent_ = 0;
    if (input_ended_ && !send_shut_) {
      // Everything typed is out: our FIN tells the server, which answers and closes.
      send_shut_ = true;
      return socket_.shutdown(evsel::shutdown_mode::send);
    }
    return {};
  }

  evsel::poller poller_;
  evsel::socket socket_;
  evsel::chat::line_source input_;
  std::string outbox_;
  std::size_t sent_ = 0;
  bool connected_ = false;
  bool input_ended_ = false;
  bool send_shut_ = false;
  bool welcomed_ = false;
  std::string seen_;  // what came before the welcome line
};

}  // namespace

int main(int argc, char** argv) {
  std::string server;
  std::string nick;
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
  if (ec) return fail("socket", ec);
  // The outcome, refused included, comes as the connect event.
  if ((ec = connection.connect(remote))) return fail("cannot connect to " + remote.to_string(), ec);
  evsel_examples::watch_stop_signals();
#if defined(_WIN32)
  // Print exactly what the server sends (LF line ends), not a CRLF translation of it.
  _setmode(_fileno(stdout), _O_BINARY);
#endif
  return chat_client(std::move(connection)).run(nick);
}
