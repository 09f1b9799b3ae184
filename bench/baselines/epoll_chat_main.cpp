// SPDX-License-Identifier: MIT
// evsel-bench-epoll-chat: the command line, for comparison with evsel-chat-server.
#include <cstdio>

#include "baseline_common.hpp"
#include "epoll_chat_server.hpp"

int main(int argc, char** argv) {
  using evsel_bench::chat::program;
  evsel_bench::socket_address address;
  const int status = evsel_bench::read_command_line(
      argc, argv, program,
      "A chat room on raw epoll, one thread, speaking the part of evsel-chat-server's protocol\n"
      "  that evsel-chat-load uses, for comparison with it.",
      "127.0.0.1:7010", address);
  if (status >= 0) return status;
  try {
    evsel_bench::chat::chat_server server;
    if (!server.start(address)) return 1;
    evsel_bench::watch_stop_signals();
    std::fprintf(stderr, "%s: listening on %s\n", program, server.local_address().c_str());
    return server.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return 1;
  }
}
