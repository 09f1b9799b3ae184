// SPDX-License-Identifier: MIT
// evsel examples: numbers on the command line.
#include "number_argument.hpp"

#include <charconv>
#include <system_error>

namespace evsel_examples {

bool parse_number(std::string_view text,
                  unsigned long long low,
                  unsigned long long high,
                  unsigned long long& out) noexcept {
  unsigned long long value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || stop != end || value < low || value > high) return false;
  out = value;
  return true;
}

bool parse_size(std::string_view text,
                unsigned long long low,
                unsigned long long high,
                unsigned long long& out) noexcept {
  unsigned long long scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'K':
        scale = 1ULL << 10;
        break;
      case 'M':
        scale = 1ULL << 20;
        break;
      case 'G':
        scale = 1ULL << 30;
        break;
      default:
        break;
    }
  }
  if (scale != 1) text.remove_suffix(1);
  unsigned long long value = 0;
  if (!parse_number(text, 0, ~0ULL / scale, value)) return false;
  value *= scale;
  if (value < low || value > high) return false;
  out = value;
  return true;
}

}  // namespace evsel_examples
