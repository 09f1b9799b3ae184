// SPDX-License-Identifier: MIT
// evsel: fault injection for tests (evsel/testing.hpp).
#include "injected_faults.hpp"

#include <atomic>
#include <mutex>

#include <evsel/testing.hpp>

namespace evsel::detail {
namespace {

// Constant-initialized (no std::error_code here): arming from another file's static
// initializer must not be undone by this file's.
std::atomic<unsigned> armed_accepts{0};
std::mutex armed_lock;
int armed_value = 0;                                  // guarded by armed_lock
const std::error_category* armed_category = nullptr;  // guarded by armed_lock

}  // namespace

std::error_code take_injected_accept_failure() noexcept {
  if (armed_accepts.load(std::memory_order_relaxed) == 0) return {};
  const std::lock_guard<std::mutex> hold(armed_lock);
  unsigned left = armed_accepts.load(std::memory_order_relaxed);
  if (left == 0) return {};
  armed_accepts.store(left - 1, std::memory_order_relaxed);
  return std::error_code(armed_value, *armed_category);
}

}  // namespace evsel::detail

namespace evsel::testing {

void fail_next_accepts(unsigned count, std::error_code error) noexcept {
  const std::lock_guard<std::mutex> hold(detail::armed_lock);
  detail::armed_value = error.value();
  detail::armed_category = &error.category();
  detail::armed_accepts.store(error ? count : 0, std::memory_order_relaxed);
}

}  // namespace evsel::testing
