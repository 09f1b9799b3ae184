// SPDX-License-Identifier: MIT
// evsel: evsel's socket options as (level, name) pairs, written once for both socket APIs.
#pragma once

#include "os.hpp"

// Include after the OS socket headers: SOL_SOCKET, SO_* and TCP_NODELAY are spelled the same
// by BSD sockets and Winsock.
namespace evsel::detail::os {

struct option_id {
  int level;
  int name;
};

inline option_id native_option(option which) noexcept {
  switch (which) {
    case option::reuse_address:
      return {SOL_SOCKET, SO_REUSEADDR};
    case option::no_delay:
      return {IPPROTO_TCP, TCP_NODELAY};
    case option::send_buffer:
      return {SOL_SOCKET, SO_SNDBUF};
    case option::receive_buffer:
      return {SOL_SOCKET, SO_RCVBUF};
    case option::oob_inline:
      return {SOL_SOCKET, SO_OOBINLINE};
    case option::keep_alive:
      return {SOL_SOCKET, SO_KEEPALIVE};
  }
  return {SOL_SOCKET, SO_REUSEADDR};
}

}  // namespace evsel::detail::os
