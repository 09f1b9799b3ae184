// SPDX-License-Identifier: MIT
// evsel chat: libFuzzer target: the server's line framing, sanitizing and command parsing
// on arbitrary bytes, with the invariants of tests/chat/chat_input_check.hpp.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "chat/chat_input_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string why = evsel::chat::check_chat_input(data, size);
  if (!why.empty()) {
    std::fprintf(stderr, "evsel chat input: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
