// SPDX-License-Identifier: MIT
// evsel-bench-load: fatal failures, each reported on one line of stderr.
#pragma once

#include <cstddef>
#include <cstdint>

namespace evsel_loadgen {

// Failure lines end with the seed, so that a content mismatch can be replayed exactly.
void note_seed_for_failures(std::uint64_t seed) noexcept;

// Prints "evsel-bench-load: <message> (seed N)" on stderr and exits with status 1.
[[noreturn, gnu::format(printf, 1, 2)]] void fail(const char* format, ...);

// The same, naming the connection by its number and, once it has one, its local port (what
// ss or a packet capture shows).
[[noreturn, gnu::format(printf, 3, 4)]] void fail_connection(std::size_t index,
                                                             std::uint16_t local_port,
                                                             const char* format,
                                                             ...);

}  // namespace evsel_loadgen
