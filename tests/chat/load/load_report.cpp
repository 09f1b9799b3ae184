// SPDX-License-Identifier: MIT
// evsel chat load test: the line of figures that benchmark scripts read.
#include "load_report.hpp"

#include <chrono>
#include <cstdio>

namespace evsel_chat_load {
namespace {

double microseconds(std::chrono::nanoseconds ns) {
  return std::chrono::duration<double, std::micro>(ns).count();
}

}  // namespace

void print_result(const load_options& options, const load_figures& figures) {
  const evsel_examples::latency_histogram& latencies = *figures.latencies;
  const double rate =
      figures.seconds > 0 ? static_cast<double>(figures.deliveries) / figures.seconds : 0;
  std::printf(
      "result mode=chat clients=%llu messages=%llu payload=%llu window=%llu slow_reader=%d "
      "deliveries=%llu seconds=%.6f deliveries_per_s=%.0f p50_us=%.1f p99_us=%.1f max_us=%.1f "
      "seed=%llu",
      static_cast<unsigned long long>(options.clients),
      static_cast<unsigned long long>(options.messages),
      static_cast<unsigned long long>(options.payload),
      static_cast<unsigned long long>(options.window), options.slow_reader ? 1 : 0,
      static_cast<unsigned long long>(figures.deliveries), figures.seconds, rate,
      microseconds(latencies.percentile(0.50)), microseconds(latencies.percentile(0.99)),
      microseconds(latencies.max()), options.seed);
  // Left out rather than given a placeholder: a script that asks for them without
  // --server-pid finds nothing instead of a number that means nothing.
  if (figures.server_cpu_seconds >= 0) {
    const double per_delivery =
        figures.deliveries != 0
            ? figures.server_cpu_seconds * 1e6 / static_cast<double>(figures.deliveries)
            : 0;
    std::printf(" server_cpu_s=%.2f server_cpu_us_per_delivery=%.3f", figures.server_cpu_seconds,
                per_delivery);
  }
  std::printf("\n");
}

}  // namespace evsel_chat_load
