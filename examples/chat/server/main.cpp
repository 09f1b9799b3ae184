// SPDX-License-Identifier: MIT
// evsel-chat-server: a line-based chat room on evsel (see --help).
#include <cstdio>
#include <string>
#include <vector>

#include <evsel/evsel.hpp>

#include "chat_server.hpp"
#include "server_log.hpp"
#include "server_options.hpp"
#include "stop_signal.hpp"

int main(int argc, char** argv) {
  using evsel::chat::parsed_command_line;
  const parsed_command_line command_line =
      evsel::chat::parse_server_command_line(std::vector<std::string>(argv + 1, argv + argc));
  switch (command_line.what) {
    case parsed_command_line::action::help:
      std::fputs(evsel::chat::server_usage().c_str(), stdout);
      return 0;
    case parsed_command_line::action::version:
      std::printf("evsel-chat-server %s (evsel backend %s)\n", EVSEL_VERSION_STRING,
                  evsel::poller::backend_name());
      return 0;
    case parsed_command_line::action::error:
      std::fprintf(stderr, "evsel-chat-server: %s\n", command_line.error.c_str());
      return 2;
    case parsed_command_line::action::run:
      break;
  }
  const evsel::chat::server_options& options = command_line.options;
  evsel::chat::ignore_broken_pipes();
  evsel::chat::server_log log(options.quiet);
  try {
    evsel::chat::chat_server server(options, log);
    if (const std::error_code ec = server.start()) {
      std::fprintf(stderr, "evsel-chat-server: cannot listen on %s: %s\n",
                   options.listen.to_string().c_str(), ec.message().c_str());
      return 1;
    }
    evsel_examples::watch_stop_signals();
    // On stdout, so that scripts can learn the port chosen for port 0.
    const evsel::endpoint local = server.local_endpoint();
    std::printf("evsel-chat-server: listening on %s (backend %s); connect with: nc %s %u\n",
                local.to_string().c_str(), evsel::poller::backend_name(),
                local.address_string().c_str(), static_cast<unsigned>(local.port()));
    std::fflush(stdout);
    if (const std::error_code ec = server.run(evsel_examples::stop_event())) {
      std::fprintf(stderr, "evsel-chat-server: %s\n", ec.message().c_str());
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "evsel-chat-server: %s\n", e.what());
    return 1;
  }
  log.note("server stopped");
  return 0;
}
