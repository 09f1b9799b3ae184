// SPDX-License-Identifier: MIT
// evsel: POSIX error codes: errno values in std::system_category().
#include <errno.h>

#include "../native_errors.hpp"

namespace evsel {

const std::error_category& native_category() noexcept {
  return std::system_category();
}

namespace detail {

bool native_code_matches(const std::error_code& code, errc cond) noexcept {
  const bool errno_value =
      code.category() == std::system_category() || code.category() == std::generic_category();
  if (!errno_value) return false;
  switch (cond) {
    case errc::shut_down:
      return code.value() == ESHUTDOWN;
    default:
      return false;
  }
}

}  // namespace detail
}  // namespace evsel
