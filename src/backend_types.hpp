// SPDX-License-Identifier: MIT
// evsel: the types of the backend seam (backend.hpp), for the backends' own headers.
#pragma once

#include <cstddef>
#include <system_error>

#include <evsel/socket.hpp>

namespace evsel::detail {

// What a re-enabling call did, passed to the backend right after the OS call.
struct io_result {
  std::size_t bytes = 0;      // bytes transferred (recv/send), 0 for accept
  std::size_t requested = 0;  // the buffer size the caller offered
  message_flags flags = message_flags::none;
  std::error_code ec;  // the call's error, if any
};

enum class run_status { timeout, progress, woken };

}  // namespace evsel::detail
