// SPDX-License-Identifier: MIT
// evsel-bench-load: CPU time and memory over the measurement window, the server's and ours.
#pragma once

#include <cstdint>

#include "result_line.hpp"

namespace evsel_loadgen {

// Our own CPU time is always measured: close to the whole window, it means this program,
// not the server, set the pace. The server's needs its pid.
class usage_meter {
 public:
  explicit usage_meter(int server_pid) : server_pid_(server_pid) {}

  void start();
  void stop();

  std::uint64_t server_rss_at_start_kib() const noexcept { return server_rss_kib_[0]; }
  std::uint64_t server_rss_at_stop_kib() const noexcept { return server_rss_kib_[1]; }

  // client_cpu_s, and with a server pid server_cpu_s and server_cpu_us_per_op.
  void add_cpu(result_line& line, std::uint64_t ops) const;

 private:
  void read_server(int at);

  int server_pid_;
  double client_cpu_s_[2] = {0, 0};
  double server_cpu_s_[2] = {0, 0};
  std::uint64_t server_rss_kib_[2] = {0, 0};
};

}  // namespace evsel_loadgen
