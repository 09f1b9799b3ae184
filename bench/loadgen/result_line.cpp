// SPDX-License-Identifier: MIT
// evsel-bench-load: the one line of results, "result key=value ...", that scripts read.
#include "result_line.hpp"

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

void result_line::add_latencies(const latency_histogram& latencies) {
  add("p50_us", latencies.quantile_ns(0.5) / 1e3, 1);
  add("p90_us", latencies.quantile_ns(0.9) / 1e3, 1);
  add("p99_us", latencies.quantile_ns(0.99) / 1e3, 1);
  add("p999_us", latencies.quantile_ns(0.999) / 1e3, 1);
  add("max_us", static_cast<double>(latencies.max_ns()) / 1e3, 1);
}

void result_line::print() const {
  std::printf("%s\n", text_.c_str());
  std::fflush(stdout);
}

}  // namespace evsel_loadgen
