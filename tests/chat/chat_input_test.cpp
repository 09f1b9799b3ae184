// SPDX-License-Identifier: MIT
// evsel chat: the input path's invariants over a fixed-seed corpus (the libFuzzer target
// tests/fuzz/chat_input_fuzzer.cpp explores further).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "chat/chat_input_check.hpp"
#include "support/catch.hpp"

TEST_CASE("Framing, sanitizing and parsing keep their invariants on random input", "[chat][fuzz]") {
  std::uint64_t first = 1, last = 3000;
  if (const char* seed = std::getenv("EVSEL_SEED")) first = last = std::stoull(seed);
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    const auto input = evsel::chat::chat_input_for_seed(seed);
    const std::string why = evsel::chat::check_chat_input(input.data(), input.size());
    if (!why.empty()) FAIL("seed " << seed << " (replay with EVSEL_SEED=" << seed << "): " << why);
  }
  SUCCEED("3000 inputs");
}
