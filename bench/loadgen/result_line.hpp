// SPDX-License-Identifier: MIT
// evsel-bench-load: the one line of results, "result key=value ...", that scripts read.
#pragma once

#include <cstdint>
#include <string>

#include "latency_histogram.hpp"

namespace evsel_loadgen {

class result_line {
 public:
  result_line() : text_("result") {}

  void add(const char* key, const char* value);
  void add(const char* key, std::uint64_t value);
  void add_signed(const char* key, std::int64_t value);
  void add(const char* key, double value, int decimals);

  // p50_us, p90_us, p99_us, p999_us and max_us.
  void add_latencies(const evsel_examples::latency_histogram& latencies);

  // On stdout, newline included.
  void print() const;

 private:
  std::string text_;
};

}  // namespace evsel_loadgen
