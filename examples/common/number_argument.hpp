// SPDX-License-Identifier: MIT
// evsel examples: numbers on the command line.
#pragma once

#include <string_view>

namespace evsel_examples {

// Reads a whole decimal number within [low, high]: no sign, no spaces, nothing after it.
// Returns false, leaving `out` alone, for anything else.
bool parse_number(std::string_view text,
                  unsigned long long low,
                  unsigned long long high,
                  unsigned long long& out) noexcept;

// As parse_number, with an optional binary suffix: K (1024), M (1024^2) or G (1024^3), so
// "64M" is 67108864. The limits apply to the value after scaling.
bool parse_size(std::string_view text,
                unsigned long long low,
                unsigned long long high,
                unsigned long long& out) noexcept;

}  // namespace evsel_examples
