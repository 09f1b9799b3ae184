// SPDX-License-Identifier: MIT
// evsel-bench-load: latency histogram with log-linear buckets.
#include "histogram.hpp"

#include <cmath>

namespace evsel_loadgen {

std::size_t latency_histogram::bucket_of(std::uint64_t value) noexcept {
  if (value < 2 * per_octave) return static_cast<std::size_t>(value);
  const int top_bit = 63 - __builtin_clzll(value);
  const int shift = top_bit - sub_bits;
  // value >> shift lies in [per_octave, 2 * per_octave): the position inside the octave.
  return static_cast<std::size_t>(shift) * per_octave + static_cast<std::size_t>(value >> shift);
}

void latency_histogram::record(std::uint64_t nanoseconds) noexcept {
  ++counts_[bucket_of(nanoseconds)];
  ++count_;
  if (nanoseconds > max_) max_ = nanoseconds;
}

double latency_histogram::quantile_ns(double fraction) const noexcept {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_)));
  if (rank == 0) rank = 1;
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < bucket_count; ++bucket) {
    seen += counts_[bucket];
    if (seen < rank) continue;
    if (bucket < 2 * per_octave) return static_cast<double>(bucket);
    const std::size_t shift = bucket / per_octave - 1;
    const std::uint64_t low = static_cast<std::uint64_t>(bucket - shift * per_octave) << shift;
    const std::uint64_t width = std::uint64_t{1} << shift;
    const double middle = static_cast<double>(low) + static_cast<double>(width - 1) / 2;
    return middle < static_cast<double>(max_) ? middle : static_cast<double>(max_);
  }
  return static_cast<double>(max_);
}

}  // namespace evsel_loadgen
