// SPDX-License-Identifier: MIT
// evsel-bench-load: latency histogram with log-linear buckets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace evsel_loadgen {

// Nanosecond samples in buckets exact below 128 ns and then 64 to each power of two, so
// every bucket is at most 1/64 of its value wide: a quantile read as the middle of its
// bucket is off by 0.8 % at most. Recording is a few instructions and never allocates.
class latency_histogram {
 public:
  void record(std::uint64_t nanoseconds) noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t max_ns() const noexcept { return max_; }

  // The value that `fraction` (0.5, 0.99, ...) of the samples do not exceed; 0 when empty.
  double quantile_ns(double fraction) const noexcept;

 private:
  static constexpr int sub_bits = 6;
  static constexpr std::size_t per_octave = std::size_t{1} << sub_bits;
  // Shifts run from 1 to 63 - sub_bits, each adding one octave above the exact ones.
  static constexpr std::size_t bucket_count = (65 - sub_bits) * per_octave;

  static std::size_t bucket_of(std::uint64_t value) noexcept;

  std::array<std::uint64_t, bucket_count> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace evsel_loadgen
