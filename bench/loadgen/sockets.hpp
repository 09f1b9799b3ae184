// SPDX-License-Identifier: MIT
// evsel-bench-load: non-blocking TCP sockets and room for many of them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "address.hpp"

namespace evsel_loadgen {

// Opens a non-blocking TCP socket and starts connecting it to `to`. Returns the descriptor
// (connected or connecting: either way writable once done), or -errno.
int start_connect(const address& to) noexcept;

// After a connecting socket turned writable: 0 when it is connected, else the errno.
int connect_outcome(int fd) noexcept;

// Small messages must leave at once, not wait for an acknowledgement (Nagle).
void send_without_delay(int fd) noexcept;

std::uint16_t local_port(int fd) noexcept;

// "Connection refused", with a hint for the errors a load generator can cause itself.
const char* describe_errno(int error) noexcept;

// Raises the soft descriptor limit to the hard one when `sockets` need it (or exceed 900),
// and fails, naming both numbers, when even the hard limit is too low.
void make_room_for_sockets(std::size_t sockets);

}  // namespace evsel_loadgen
