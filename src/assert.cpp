// SPDX-License-Identifier: MIT
// evsel: what a failed EVSEL_ASSERT prints.
#include "assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace evsel::detail {

void assertion_failed(const char* condition, const char* why, const char* file, int line) noexcept {
  std::fprintf(stderr, "evsel: internal check failed at %s:%d: %s (%s)\n", file, line, condition,
               why);
  std::fflush(stderr);
  std::abort();
}

}  // namespace evsel::detail
