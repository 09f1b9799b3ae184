// SPDX-License-Identifier: MIT
// evsel: what each backend adds to the portable error comparison.
#pragma once

#include <system_error>

#include <evsel/error.hpp>

namespace evsel::detail {

// True if an OS code means `cond` although std::errc has no counterpart for it (for
// example errc::shut_down: ESHUTDOWN, WSAESHUTDOWN). Defined by the backend.
bool native_code_matches(const std::error_code& code, errc cond) noexcept;

// A code in native_category() for the OS value `value`.
inline std::error_code native_error(int value) noexcept {
  return {value, native_category()};
}

}  // namespace evsel::detail
