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
  // A client must finish its first line within this time of connecting, or it is cut off:
  // silent connections cannot hold the room's places. 0: no limit.
  std::chrono::seconds idle_timeout{60};
  // TCP keep-alive on every client socket: the first probe after this much silence, so
  // that a client that vanished without a FIN is noticed within about twice this. 0: off.
  std::chrono::seconds keepalive{60};
  // Lines a client may send per second, on average, with as many at once; a client that
  // sends faster is cut off as a flooder. 0: no limit (the load tests and benchmarks).
  std::size_t max_rate = 0;
  // Connections one address (IPv4) or network (IPv6 /64) may hold at once, and open per
  // second (as many at once); beyond them it is turned away at once. 0: no limit.
  std::size_t max_per_address = 16;
  std::size_t max_connect_rate = 20;
  // Join and leave lines a second; beyond them, one summary line a second. 0: no limit.
  std::size_t max_notices = 10;
  // Memory for every connection's queues and the kernel buffers they fill, in bytes; 0:
  // default_memory_budget().
  std::size_t max_memory = 0;
  bool quiet = false;
};

// The default --max-memory: 256 MiB, or a quarter of the machine's physical memory when that
// is less (at least 16 MiB).
std::size_t default_memory_budget();

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
