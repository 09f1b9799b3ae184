// SPDX-License-Identifier: MIT
// evsel: libFuzzer target: operation sequences checked against the FD_* reference model
// (tests/model). A finding aborts with the failure and the operations that led to it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "model/model_run.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Longer inputs add time, not coverage: a sequence of ~200 operations is plenty.
  const evsel_model::run_result result = evsel_model::run_operations(data, size < 600 ? size : 600);
  if (!result.ok) {
    std::fprintf(stderr, "evsel model: %s\n", result.failure.c_str());
    std::abort();
  }
  return 0;
}
