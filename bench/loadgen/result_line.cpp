// SPDX-License-Identifier: MIT
// evsel-bench-load: the one line of results, "result key=value ...", that scripts read.
#include "result_line.hpp"

#include <chrono>
#include <cstdio>

namespace evsel_loadgen {

void result_line::add(const char* key, const char* value) {
  text_ += ' ';
  text_ += key;
  text_ += '=';
  text_ += value;
}

void result_line::add(const char* key, std::uint64_t value) {
  add(key, std::to_string(value).c_str());
}

void result_line::add_signed(const char* key, std::int64_t value) {
  add(key, std::to_string(value).c_str());
}

void result_line::add(const char* key, double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  add(key, text);
}

void result_line::add_latencies(const evsel_examples::latency_histogram& latencies) {
  const auto microseconds = [](std::chrono::nanoseconds ns) {
    return static_cast<double>(ns.count()) / 1e3;
  };
  add("p50_us", microseconds(latencies.percentile(0.5)), 1);
  add("p90_us", microseconds(latencies.percentile(0.9)), 1);
  add("p99_us", microseconds(latencies.percentile(0.99)), 1);
  add("p999_us", microseconds(latencies.percentile(0.999)), 1);
  add("max_us", microseconds(latencies.max()), 1);
}

void result_line::print() const {
  std::printf("%s\n", text_.c_str());
  std::fflush(stdout);
}

}  // namespace evsel_loadgen
