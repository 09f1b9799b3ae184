// SPDX-License-Identifier: MIT
// evsel: fault injection for tests (evsel/testing.hpp).
#include "injected_faults.hpp"

#include <atomic>
#include <mutex>

#include <evsel/testing.hpp>

namespace evsel::detail {
namespace {

std::atomic<unsigned> armed_accepts{0};
std::mutex armed_lock;
std::error_code armed_error;  // guarded by armed_lock

}  // namespace

std::error_code take_injected_accept_failure() noexcept {
  if (armed_accepts.load(std::memory_order_relaxed) == 0) return {};
  const std::lock_guard<std::mutex> hold(armed_lock);
  unsigned left = armed_accepts.load(std::memory_order_relaxed);
  if (left == 0) return {};
  armed_accepts.store(left - 1, std::memory_order_relaxed);
  return armed_error;
}

}  // namespace evsel::detail

namespace evsel::testing {

void fail_next_accepts(unsigned count, std::error_code error) noexcept {
  const std::lock_guard<std::mutex> hold(detail::armed_lock);
  detail::armed_error = error;
  detail::armed_accepts.store(error ? count : 0, std::memory_order_relaxed);
}

}  // namespace evsel::testing
