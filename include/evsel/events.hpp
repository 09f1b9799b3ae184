// SPDX-License-Identifier: MIT
// evsel: the network event bit set (the FD_* analogue) and the per-socket event record.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

#include <evsel/export.hpp>

namespace evsel {

/// One or more network events, with the bit values of Winsock's FD_READ ... FD_CLOSE.
///
/// Combine with `|`, test with `&` (or has_any / has_all). The values are identical to
/// FD_READ (1), FD_WRITE (2), FD_OOB (4), FD_ACCEPT (8), FD_CONNECT (16) and FD_CLOSE (32),
/// so a WSAEventSelect program keeps its masks.
enum class event : std::uint32_t {
  none = 0,
  read = 0x01,    ///< Data (TCP) or a datagram (UDP) can be received. Never end of stream.
  write = 0x02,   ///< Sending is possible: once when connected, then after a send that would block.
  oob = 0x04,     ///< One urgent (out-of-band) byte is waiting (TCP, OOB-inline off).
  accept = 0x08,  ///< A connection is queued on a listening socket.
  connect = 0x10,  ///< A connect attempt finished; the record's error says how.
  close = 0x20,    ///< The peer closed or reset the connection and no unread data is left.
  /// A registered evsel::user_event is set (the record of an event object, WSASetEvent).
  /// Never in a socket's mask: it appears only in records.
  user = 0x10000,
  /// A registered evsel::timer expired, or a socket's deadline or idle timeout passed
  /// (poller::set_deadline, poller::set_idle_timeout). Never in a socket's mask.
  timeout = 0x20000,
};

/// Every bit a socket's mask may hold (the FD_* bits); a mask with any other bit set is
/// rejected. event::user and event::timeout sit far above them and only appear in records.
inline constexpr event all_events = static_cast<event>(0x3F);

/// Number of defined event bits (the size of network_events::errors).
inline constexpr std::size_t event_bit_count = 6;

constexpr event operator|(event a, event b) noexcept {
  return static_cast<event>(static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b));
}
constexpr event operator&(event a, event b) noexcept {
  return static_cast<event>(static_cast<std::uint32_t>(a) & static_cast<std::uint32_t>(b));
}
constexpr event operator^(event a, event b) noexcept {
  return static_cast<event>(static_cast<std::uint32_t>(a) ^ static_cast<std::uint32_t>(b));
}
/// Complement within the mask bits (all_events), so `mask & ~event::write` stays a valid mask.
constexpr event operator~(event a) noexcept {
  return static_cast<event>(~static_cast<std::uint32_t>(a) &
                            static_cast<std::uint32_t>(all_events));
}
constexpr event& operator|=(event& a, event b) noexcept {
  return a = a | b;
}
constexpr event& operator&=(event& a, event b) noexcept {
  return a = a & b;
}

/// True if `set` holds at least one bit of `bits`.
constexpr bool has_any(event set, event bits) noexcept {
  return (set & bits) != event::none;
}
/// True if `set` holds every bit of `bits`.
constexpr bool has_all(event set, event bits) noexcept {
  return (set & bits) == bits;
}

/// Position of a single event bit (FD_READ_BIT ... FD_CLOSE_BIT); event_bit_count otherwise.
constexpr std::size_t bit_index(event single) noexcept {
  for (std::size_t i = 0; i < event_bit_count; ++i) {
    if (static_cast<std::uint32_t>(single) == (1U << i)) return i;
  }
  return event_bit_count;
}

/// "read|write", "timeout", "none", ...; undefined bits appear as a hexadecimal remainder.
EVSEL_EXPORT std::string to_string(event set);

/// The events that occurred for one socket, each with its own error code: the analogue of
/// WSANETWORKEVENTS (lNetworkEvents and iErrorCode[FD_*_BIT]).
///
/// Only the connect and close events carry errors in practice (user and timeout never do,
/// and have no slot in `errors`): connect says why an attempt
/// failed (compare with evsel::errc::connection_refused, timed_out, network_unreachable, ...),
/// close says whether the peer reset the connection (errc::connection_reset). Errors of
/// bits that did not occur are empty.
struct network_events {
  /// The events that occurred (lNetworkEvents); never none in a record from poller::wait.
  event occurred = event::none;
  /// The error of each event, indexed by bit position (iErrorCode); see error().
  std::array<std::error_code, event_bit_count> errors{};

  /// True if at least one bit of `bits` occurred.
  constexpr bool has(event bits) const noexcept { return has_any(occurred, bits); }

  /// The error stored with one event bit; an empty code for a bit that did not occur or
  /// for anything that is not a single defined bit.
  EVSEL_EXPORT const std::error_code& error(event single) const noexcept;
};

}  // namespace evsel
