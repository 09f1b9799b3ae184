// SPDX-License-Identifier: MIT
// evsel: the model-based fuzzer's fixed-seed corpus (tests/model), replayed on every backend.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "model/model_run.hpp"
#include "support/catch.hpp"
#include "support/harness.hpp"

namespace {

// Seeds 1..corpus_seeds, or the one in EVSEL_SEED (a replay).
std::vector<std::uint64_t> corpus_seeds() {
  constexpr std::uint64_t corpus_size = 40;
  if (const char* seed = std::getenv("EVSEL_SEED")) return {std::stoull(seed)};
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t s = 1; s <= corpus_size; ++s) seeds.push_back(s);
  return seeds;
}

}  // namespace

TEST_CASE("Random operation sequences on five sockets agree with the reference model",
          "[conformance][model]") {
  constexpr std::size_t operation_bytes = 480;  // about 160 operations
  std::size_t steps = 0;
  const int descriptors = evsel_test::open_descriptor_count();
  for (const std::uint64_t seed : corpus_seeds()) {
    const std::vector<std::uint8_t> operations =
        evsel_model::operations_for_seed(seed, operation_bytes);
    const evsel_model::run_result result =
        evsel_model::run_operations(operations.data(), operations.size());
    steps += result.steps;
    if (!result.ok) {
      FAIL("seed " << seed << " (replay with EVSEL_SEED=" << seed << "): " << result.failure);
    }
    // Every socket of the run is gone with it (-1 on Windows: see the harness).
    if (evsel_test::open_descriptor_count() != descriptors) {
      FAIL("seed " << seed << " (replay with EVSEL_SEED=" << seed << "): descriptors leaked");
    }
  }
  INFO("operations run: " << steps);
  CHECK(steps > 0);
}
