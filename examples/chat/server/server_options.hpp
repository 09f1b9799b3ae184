// SPDX-License-Identifier: MIT
// evsel chat server: its command line.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <evsel/endpoint.hpp>

namespace evsel::chat {

struct server_options {
  endpoint listen = endpoint::loopback(address_family::ipv4, 4567);
  std::size_t max_clients = 10000;
  std::size_t max_line = 1024;          // bytes of one line's content
  std::size_t max_queue = 1024 * 1024;  // a client's unsent output, in bytes
  // A line begun must be finished within this time, or the client is cut off: a client that
  // dribbles a line (slowloris) holds its connection and buffer only that long.
  std::chrono::seconds line_timeout{60};
  // Lines a client may send per second, on average, with as many at once; a client that
  // sends faster is cut off as a flooder. 0: no limit (the load tests and benchmarks).
  std::size_t max_rate = 0;
  bool quiet = false;
};

// What the command line asks for: run, print help or the version, or an error to report.
struct parsed_command_line {
  enum class action { run, help, version, error } what = action::run;
  server_options options;
  std::string error;  // for action::error: one line, without the program name
};

parsed_command_line parse_server_command_line(const std::vector<std::string>& args);

// The --help text.
std::string server_usage();

}  // namespace evsel::chat
