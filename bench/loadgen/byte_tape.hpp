// SPDX-License-Identifier: MIT
// evsel-bench-load: the pseudo-random bytes every connection sends, and their verification.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace evsel_loadgen {

// One pseudo-random tape, generated once from the seed; each connection's outgoing stream
// is the tape read round and round from its own starting point. Sending is then a pointer
// into the tape and checking an echo is a memcmp, so neither costs more than the socket
// calls around it.
class byte_tape {
 public:
  // A prime, so that message boundaries drift over the tape from one lap to the next
  // instead of repeating the same messages.
  static constexpr std::size_t length = 1048573;
  // The longest run of bytes span() gives out in one piece: the size of a send or a read.
  static constexpr std::size_t max_span = 256 * 1024;

  explicit byte_tape(std::uint64_t seed);

  // Where stream number `stream` (a connection, an attempt) starts on the tape.
  std::uint64_t start_of(std::uint64_t stream) const noexcept;

  // The bytes at `position` onwards (any position, taken round the tape), good for
  // max_span bytes.
  const unsigned char* span(std::uint64_t position) const noexcept {
    return bytes_.data() + position % length;
  }

  unsigned char at(std::uint64_t position) const noexcept { return *span(position); }

  // How many of `count` (at most max_span) received bytes match the tape from `position`:
  // `count` when all do, else the index of the first that differs.
  std::size_t matching(std::uint64_t position,
                       const unsigned char* received,
                       std::size_t count) const noexcept;

 private:
  std::uint64_t seed_;
  std::vector<unsigned char> bytes_;  // the tape, then its first max_span bytes again
};

}  // namespace evsel_loadgen
