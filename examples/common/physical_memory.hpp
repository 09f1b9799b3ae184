// SPDX-License-Identifier: MIT
// evsel examples: how much physical memory the machine has, to derive default limits from.
#pragma once

namespace evsel_examples {

// Bytes of physical memory, or 0 if the OS does not say.
unsigned long long physical_memory_bytes() noexcept;

}  // namespace evsel_examples
