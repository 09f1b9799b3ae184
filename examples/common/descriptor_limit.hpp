// SPDX-License-Identifier: MIT
// evsel examples: room for many sockets in the test and benchmark programs.
#pragma once

#include <cstddef>

namespace evsel_examples {

// Raises this process's soft limit on open descriptors (POSIX RLIMIT_NOFILE, often 1,024)
// towards `wanted`, up to the hard limit. Windows has no such limit; there it does nothing.
void raise_descriptor_limit(std::size_t wanted) noexcept;

}  // namespace evsel_examples
