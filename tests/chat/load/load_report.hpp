// SPDX-License-Identifier: MIT
// evsel chat load test: the line of figures that benchmark scripts read.
#pragma once

#include <cstdint>

#include "latency_histogram.hpp"
#include "load_options.hpp"

namespace evsel_chat_load {

struct load_figures {
  std::uint64_t deliveries = 0;
  double seconds = 0;  // from the first line sent to the last delivery
  const evsel_examples::latency_histogram* latencies = nullptr;
  double server_cpu_seconds = -1;  // over the same span; negative: not measured
};

// Prints "result key=value ...", one line, on standard output.
void print_result(const load_options& options, const load_figures& figures);

}  // namespace evsel_chat_load
