// SPDX-License-Identifier: MIT
// evsel-bench-load: the pseudo-random bytes every connection sends, and their verification.
#include "byte_tape.hpp"

#include <cstring>

namespace evsel_loadgen {

namespace {

std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

byte_tape::byte_tape(std::uint64_t seed) : seed_(seed), bytes_(length + max_span) {
  std::uint64_t state = splitmix64(seed) | 1;  // xorshift must never start from zero
  for (std::size_t i = 0; i < length; i += 8) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    for (std::size_t b = 0; b < 8 && i + b < length; ++b) {
      bytes_[i + b] = static_cast<unsigned char>(state >> (8 * b));
    }
  }
  std::memcpy(bytes_.data() + length, bytes_.data(), max_span);
}

std::uint64_t byte_tape::start_of(std::uint64_t stream) const noexcept {
  return splitmix64(seed_ ^ splitmix64(stream)) % length;
}

std::size_t byte_tape::matching(std::uint64_t position,
                                const unsigned char* received,
                                std::size_t count) const noexcept {
  const unsigned char* expected = span(position);
  if (std::memcmp(expected, received, count) == 0) return count;
  std::size_t i = 0;
  while (expected[i] == received[i]) ++i;
  return i;
}

}  // namespace evsel_loadgen
