// SPDX-License-Identifier: MIT
// evsel-bench-load: fatal failures, each reported on one line of stderr.
#include "failure.hpp"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace evsel_loadgen {

namespace {

std::uint64_t seed_in_use = 0;

[[noreturn]] void report_and_exit(const char* prefix, const char* message) {
  std::fflush(stdout);
  std::fprintf(stderr, "evsel-bench-load: %s%s (seed %llu)\n", prefix, message,
               static_cast<unsigned long long>(seed_in_use));
  std::exit(1);
}

}  // namespace

void note_seed_for_failures(std::uint64_t seed) noexcept {
  seed_in_use = seed;
}

void fail(const char* format, ...) {
  char message[1024];
  std::va_list arguments;
  va_start(arguments, format);
  std::vsnprintf(message, sizeof message, format, arguments);
  va_end(arguments);
  report_and_exit("", message);
}

void fail_connection(std::size_t index, std::uint16_t local_port, const char* format, ...) {
  char message[1024];
  std::va_list arguments;
  va_start(arguments, format);
  std::vsnprintf(message, sizeof message, format, arguments);
  va_end(arguments);
  char prefix[96];
  if (local_port != 0) {
    std::snprintf(prefix, sizeof prefix, "connection %zu (local port %u): ", index,
                  static_cast<unsigned>(local_port));
  } else {
    std::snprintf(prefix, sizeof prefix, "connection %zu: ", index);
  }
  report_and_exit(prefix, message);
}

}  // namespace evsel_loadgen
