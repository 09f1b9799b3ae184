// SPDX-License-Identifier: MIT
// evsel chat load test: its command line.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <evsel/endpoint.hpp>

namespace evsel_chat_load {

struct load_options {
  evsel::endpoint server;
  std::size_t clients = 200;
  std::size_t messages = 10;  // lines each client sends
  std::size_t payload = 16;   // bytes of filler in each line
  bool slow_reader = false;   // one more client that stops reading and must be cut off
  std::size_t window = 0;     // lines a sender may be ahead of its slowest reader; 0: no limit
  std::chrono::seconds timeout{60};
  unsigned long long seed = 0;        // 0: chosen from the clock, printed
  unsigned long long server_pid = 0;  // the server's process, to report its processor time; 0: none
};

// Fills `out`, or returns a message saying what is wrong.
std::string parse_load_options(const std::vector<std::string>& args, load_options& out);
const char* load_usage();

}  // namespace evsel_chat_load
