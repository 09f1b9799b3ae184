// SPDX-License-Identifier: MIT
// evsel tools: latencies, counted in fixed log-linear buckets (load test, load generator).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace evsel_examples {

// Millions of deliveries in a fixed 30 KiB: every power of two is cut into 128 equal buckets,
// so a reported percentile is within 0.4% of a true sample (exact below 256 ns). Covers
// 1 ns to 68 s; anything longer counts in the last bucket, though max() stays exact.
class latency_histogram {
 public:
  void record(std::chrono::nanoseconds latency) noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::chrono::nanoseconds max() const noexcept { return std::chrono::nanoseconds(max_); }
  // The latency that `fraction` (0 to 1) of the samples do not exceed; 0 with no samples.
  std::chrono::nanoseconds percentile(double fraction) const noexcept;

 private:
  static constexpr unsigned sub_bits = 7;    // 128 buckets per power of two
  static constexpr unsigned top_shift = 28;  // the last power of two ends at 2^(28 + 8) ns
  static constexpr std::size_t bucket_count = (top_shift + 2) << sub_bits;

  static std::size_t bucket_of(std::uint64_t ns) noexcept;
  static std::uint64_t middle_of(std::size_t bucket) noexcept;

  std::array<std::uint64_t, bucket_count> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

}  // namespace evsel_examples
