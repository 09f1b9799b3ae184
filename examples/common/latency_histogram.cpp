// SPDX-License-Identifier: MIT
// evsel tools: latencies, counted in fixed log-linear buckets (load test, load generator).
#include "latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace evsel_examples {
namespace {

// The index of the highest set bit of a nonzero value; C++17 has no std::bit_width.
unsigned highest_bit(std::uint64_t value) noexcept {
  unsigned bit = 0;
  for (unsigned step = 32; step != 0; step /= 2) {
    if (value >> step) {
      value >>= step;
      bit += step;
    }
  }
  return bit;
}

}  // namespace

// Below 2^(sub_bits + 1) every nanosecond has its own bucket. Above, a value's bucket is its
// power of two (the shift) and its next sub_bits bits: the top bits, 128 to 255.
std::size_t latency_histogram::bucket_of(std::uint64_t ns) noexcept {
  constexpr std::uint64_t linear_end = std::uint64_t{1} << (sub_bits + 1);
  constexpr std::uint64_t largest = (std::uint64_t{2} << (top_shift + sub_bits)) - 1;
  ns = std::min(ns, largest);
  if (ns < linear_end) return static_cast<std::size_t>(ns);
  const unsigned shift = highest_bit(ns) - sub_bits;
  return (static_cast<std::size_t>(shift) << sub_bits) + static_cast<std::size_t>(ns >> shift);
}

std::uint64_t latency_histogram::middle_of(std::size_t bucket) noexcept {
  constexpr std::size_t linear_end = std::size_t{1} << (sub_bits + 1);
  if (bucket < linear_end) return bucket;
  const unsigned shift = static_cast<unsigned>(bucket >> sub_bits) - 1;
  const std::uint64_t top = (bucket & ((std::size_t{1} << sub_bits) - 1)) | (1u << sub_bits);
  return (top << shift) + ((std::uint64_t{1} << shift) >> 1);
}

void latency_histogram::record(std::chrono::nanoseconds latency) noexcept {
  // steady_clock never goes back, but a clock coarser than the work can give 0.
  const auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(latency.count(), 0));
  ++buckets_[bucket_of(ns)];
  ++count_;
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
}

std::chrono::nanoseconds latency_histogram::percentile(double fraction) const noexcept {
  if (count_ == 0) return std::chrono::nanoseconds(0);
  const double wanted = std::ceil(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(count_));
  const std::uint64_t rank =
      std::clamp<std::uint64_t>(static_cast<std::uint64_t>(wanted), 1, count_);
  if (rank == count_) return std::chrono::nanoseconds(static_cast<std::int64_t>(max_));
  std::uint64_t seen = 0;
  std::size_t bucket = 0;
  while ((seen += buckets_[bucket]) < rank) ++bucket;
  // A bucket's middle can lie beyond the samples in it; the extremes are known exactly.
  const std::uint64_t ns = std::clamp(middle_of(bucket), min_, max_);
  return std::chrono::nanoseconds(static_cast<std::int64_t>(ns));
}

}  // namespace evsel_examples
