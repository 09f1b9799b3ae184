// SPDX-License-Identifier: MIT
// evsel: the codes evsel gives for a wrong call, each naming what was wrong.
#pragma once

#include <system_error>

#include <evsel/error.hpp>

namespace evsel::detail {

// "invalid argument" alone does not say which of a call's arguments was wrong, and seven
// different mistakes gave it. Each mistake has its own code in evsel's category: message()
// names it, while the code still compares equal to the errc it belongs to (listed in
// error.cpp), so `ec == errc::invalid_argument` holds as before. The values start well above
// the errc enumerators so that the two never meet.
enum class misuse : int {
  no_buffer = 1001,       // null data or a zero size where data is needed
  event_mask,             // bits outside all_events
  record_array,           // wait: null records or zero capacity
  accept_not_listening,   // accept on a socket that does not listen
  listen_in_wrong_stage,  // listen on a connecting, connected or failed socket
  connect_on_listener,    // connect on a listening socket
  connect_after_failure,  // connect again after a failed attempt
  buffer_size,            // SO_SNDBUF/SO_RCVBUF of zero or less
  linger_range,           // a linger timeout outside 0..65535 s
  lingering_close,        // linger enabled with a timeout: close would block
  keep_alive_timing,      // keep-alive idle/interval/probes out of range
  endpoint_text,          // endpoint::parse
  empty_object,           // a moved-from (or never made) user_event or timer
  timer_period,           // a negative timer period
  timeout_range,          // a negative idle timeout
};

std::error_code make_error_code(misuse m) noexcept;

}  // namespace evsel::detail
