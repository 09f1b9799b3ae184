// SPDX-License-Identifier: MIT
// evsel chat attack tool: its command line.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <evsel/endpoint.hpp>

namespace evsel_chat_attack {

// What the hostile clients do (see attack_usage()).
enum class attack_mode { reset_mid_line, silent, non_readers, partial_lines, churn, members };

struct attack_options {
  evsel::endpoint server;
  attack_mode mode = attack_mode::members;
  std::size_t clients = 10;  // connections at once
  std::chrono::seconds duration{5};
  std::size_t bytes = 1024;  // partial-lines: bytes of the unfinished line
  // Source addresses: client k binds 127.0.0.(first_source + k % sources) (IPv4 servers
  // only); with the defaults, no bind: the OS picks.
  std::size_t sources = 1;
  std::size_t first_source = 1;
  // reset-mid-line: how long each client streams its line before it resets.
  std::chrono::milliseconds hold_min{900};
  std::chrono::milliseconds hold_max{1500};
  unsigned long long seed = 0;  // 0: chosen from the clock, printed
};

// Fills `out`, or returns a message saying what is wrong.
std::string parse_attack_options(const std::vector<std::string>& args, attack_options& out);
const char* attack_usage();

}  // namespace evsel_chat_attack
