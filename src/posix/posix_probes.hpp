// SPDX-License-Identifier: MIT
// evsel: non-consuming looks at a socket's state, used to evaluate FD_* conditions on POSIX.
#pragma once

#include <cstddef>
#include <cstdint>
#include <system_error>

#include <poll.h>

#include <evsel/socket.hpp>

namespace evsel::detail::posix {

struct readiness {
  bool readable = false;  // POLLIN: data, a datagram, a queued connection, or end of stream
  bool writable = false;  // POLLOUT
  bool urgent = false;    // POLLPRI: an urgent byte may be waiting
  bool hangup = false;    // POLLHUP or POLLERR
};

struct interest {
  bool read = false;
  bool write = false;
  bool urgent = false;
};

// poll() with a zero timeout: the level state now, without consuming anything.
readiness poll_now(native_socket s, interest what) noexcept;

enum class stream_input { empty, data, end_of_stream, failed };

// What a TCP recv would find now (MSG_PEEK of one byte). A failure is consumed by the OS
// when read, so it is returned in `ec` for the caller to keep.
stream_input peek_stream(native_socket s, std::error_code& ec) noexcept;

// What one poll() entry says about a TCP connection's input: data is certainly queued (not
// an end of stream, not an error), certainly nothing is, or only a peek can tell.
enum class input_hint : std::uint8_t { empty, data, unsure };

// poll() with a zero timeout over many sockets at once (fds[i].events is set here); then
// input_hint_of(fds[i]) for each. Returns false if poll failed: nothing is known.
bool poll_inputs(pollfd* fds, std::size_t count) noexcept;
input_hint input_hint_of(const pollfd& entry) noexcept;

// True if an urgent byte is waiting to be read with MSG_OOB.
bool urgent_byte_waiting(native_socket s) noexcept;

}  // namespace evsel::detail::posix
