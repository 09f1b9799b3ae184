// SPDX-License-Identifier: MIT
// evsel-chat-attack: hostile clients for an evsel chat server (see --help); the end-to-end
// tests run it beside real clients and the load test, and judge the server by what those see.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "attack_bots.hpp"
#include "attack_options.hpp"

int main(int argc, char** argv) {
  using namespace evsel_chat_attack;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::fputs(attack_usage(), stdout);
    return 0;
  }
  attack_options options;
  const std::string error = parse_attack_options(args, options);
  if (!error.empty()) {
    std::fprintf(stderr, "evsel-chat-attack: %s\n%s", error.c_str(), attack_usage());
    return 2;
  }
  if (options.seed == 0) {
    options.seed = static_cast<unsigned long long>(clock::now().time_since_epoch().count()) | 1;
  }
  try {
    return attack_run(options).run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "evsel-chat-attack: %s\n", e.what());
    return 1;
  }
}
