// SPDX-License-Identifier: MIT
// evsel: the library side of evsel/testing.hpp.
#pragma once

#include <system_error>

namespace evsel::detail {

// The failure armed by testing::fail_next_accepts for this accept call, if any (one of the
// armed count is used up). Costs one relaxed atomic load when nothing is armed.
std::error_code take_injected_accept_failure() noexcept;

}  // namespace evsel::detail
