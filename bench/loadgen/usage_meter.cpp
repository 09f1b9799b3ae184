// SPDX-License-Identifier: MIT
// evsel-bench-load: CPU time and memory over the measurement window, the server's and ours.
#include "usage_meter.hpp"

#include <sys/resource.h>

#include "failure.hpp"
#include "process_usage.hpp"

namespace evsel_loadgen {
namespace {

// User plus system time this process has used so far.
double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

void usage_meter::start() {
  client_cpu_s_[0] = own_cpu_seconds();
  read_server(0);
}

void usage_meter::stop() {
  client_cpu_s_[1] = own_cpu_seconds();
  read_server(1);
}

void usage_meter::read_server(int at) {
  if (server_pid_ == 0) return;
  if (!evsel_examples::read_cpu_seconds(server_pid_, server_cpu_s_[at]) ||
      !evsel_examples::read_rss_kib(server_pid_, server_rss_kib_[at])) {
    fail("cannot read /proc/%d/stat or /proc/%d/status: has the server exited?", server_pid_,
         server_pid_);
  }
}

void usage_meter::add_cpu(result_line& line, std::uint64_t ops) const {
  line.add("client_cpu_s", client_cpu_s_[1] - client_cpu_s_[0], 3);
  if (server_pid_ == 0) return;
  const double server_cpu = server_cpu_s_[1] - server_cpu_s_[0];
  line.add("server_cpu_s", server_cpu, 3);
  line.add("server_cpu_us_per_op", ops > 0 ? server_cpu * 1e6 / static_cast<double>(ops) : 0.0, 3);
}

}  // namespace evsel_loadgen
