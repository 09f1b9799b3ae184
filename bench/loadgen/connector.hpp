// SPDX-License-Identifier: MIT
// evsel-bench-load: opening the persistent connections before any traffic starts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "address.hpp"
#include "run_clock.hpp"

namespace evsel_loadgen {

struct connected_socket {
  int fd = -1;
  std::uint16_t local_port = 0;
};

// Opens `count` connections to `to`, at most 256 connecting at once so that the server's
// accept queue does not overflow, and returns once every one is established (non-blocking,
// Nagle off). Fails on the first connect that fails or takes longer than the stall limit.
std::vector<connected_socket> connect_all(const address& to,
                                          std::size_t count,
                                          const run_clock& clock);

}  // namespace evsel_loadgen
