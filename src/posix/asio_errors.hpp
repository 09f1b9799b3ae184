// SPDX-License-Identifier: MIT
// evsel: Asio's error codes as evsel's.
#pragma once

#include <system_error>

#include <boost/system/error_code.hpp>

#include "../native_errors.hpp"

namespace evsel::detail {

inline std::error_code to_std(const boost::system::error_code& ec) noexcept {
  if (!ec) return {};
  if (ec.category() == boost::system::generic_category()) {
    return {ec.value(), std::generic_category()};
  }
  // Asio's system errors are errno values; keep them as such (Boost 1.74's implicit
  // conversion would wrap them in a category that is not std::system_category()).
  return native_error(ec.value());
}

}  // namespace evsel::detail
