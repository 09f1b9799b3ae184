// SPDX-License-Identifier: MIT
// evsel: EVSEL_ASSERT, the check of a state machine's transitions.
#pragma once

// Active where a broken transition should stop the program at once, with the reason: Debug
// builds and the sanitizer builds (CMake defines EVSEL_ASSERTIONS for both). A Release
// build pays nothing for them.
#if defined(EVSEL_ASSERTIONS)
#define EVSEL_ASSERT(condition, why)  \
  ((condition) ? static_cast<void>(0) \
               : ::evsel::detail::assertion_failed(#condition, why, __FILE__, __LINE__))
#else
#define EVSEL_ASSERT(condition, why) static_cast<void>(0)
#endif

namespace evsel::detail {

// Prints where and why, then aborts.
[[noreturn]] void assertion_failed(const char* condition,
                                   const char* why,
                                   const char* file,
                                   int line) noexcept;

}  // namespace evsel::detail
