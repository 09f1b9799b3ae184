// SPDX-License-Identifier: MIT
// evsel-wsa: recv, send, recvfrom and sendto, blocking or not.
#include <cstdint>
#include <mutex>

#include <evsel/error.hpp>

#include "wsa_runtime.hpp"

namespace evsel::wsa {

namespace {

// Windows takes a recorded FD_READ back when a recv leaves nothing to read before the
// application enumerates it (evsel does the same with its own record, rule 2; this is the
// copy the pump has already moved into the Winsock record).
void take_back_read_if_drained(socket_entry& entry) noexcept {
  const std::lock_guard<std::mutex> lock(the_runtime().mutex);
  if (!has_any(entry.recorded, event::read)) return;
  std::error_code ec;
  if (entry.sock.available(ec) == 0 && !ec) {
    entry.recorded &= ~event::read;
    entry.codes[bit_index(event::read)] = 0;
  }
}

// Runs `attempt` until it does not fail with would-block, waiting between tries while the
// socket is in blocking mode (bounded by SO_RCVTIMEO/SO_SNDTIMEO when set).
template <typename Attempt>
int with_blocking(socket_entry& entry, readiness what, Attempt attempt) noexcept {
  for (bool waited = false;; waited = true) {
    // Closed by another thread: a call that has not waited comes after the close
    // (WSAENOTSOCK); one that waited was ended by it (WSAEINTR), and what the socket holds
    // now is no longer its to take.
    if (entry.closing.load(std::memory_order_acquire)) {
      return waited ? code::interrupted : code::not_socket;
    }
    std::error_code ec;
    attempt(ec);
    if (ec != errc::would_block || !entry.blocking.load()) return to_wsa(ec);
    const int timeout = what == readiness::writable ? entry.send_timeout_ms.load()
                                                    : entry.receive_timeout_ms.load();
    if (const int failed = wait_ready(entry, what, timeout)) return failed;
  }
}

}  // namespace

int recv(socket_handle s,
         void* data,
         std::size_t size,
         message_flags flags,
         std::size_t& received) noexcept {
  received = 0;
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  if (size == 0 && entry->proto == protocol::tcp) {
    // A zero-length recv returns 0 once data (or the end) is there, would-block or waits
    // before, and re-enables FD_READ like any recv: a one-byte peek does all three without
    // taking anything (evsel refuses an empty buffer).
    char probe = 0;
    return with_blocking(*entry, readiness::readable, [&](std::error_code& ec) {
      (void)entry->sock.recv(&probe, 1, ec, flags | message_flags::peek);
    });
  }
  const readiness what =
      has_flag(flags, message_flags::oob) ? readiness::urgent : readiness::readable;
  code = with_blocking(*entry, what, [&](std::error_code& ec) {
    received = entry->sock.recv(data, size, ec, flags);
  });
  if (code == 0 && entry->proto == protocol::tcp && !has_flag(flags, message_flags::peek)) {
    take_back_read_if_drained(*entry);
  }
  return code;
}

int send(socket_handle s,
         const void* data,
         std::size_t size,
         message_flags flags,
         std::size_t& sent) noexcept {
  sent = 0;
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  if (entry->proto == protocol::udp) {
    // One datagram, whole or not at all; a blocking socket waits for room.
    return with_blocking(*entry, readiness::writable, [&](std::error_code& ec) {
      sent = entry->sock.send(data, size, ec, flags);
    });
  }
  if (!entry->blocking.load()) {
    std::error_code ec;
    sent = entry->sock.send(data, size, ec, flags);
    return to_wsa(ec);
  }
  // A blocking send on a stream returns once everything is in the send buffer, as
  // Winsock's does; an error after part of it went reports the part.
  do {
    std::size_t n = 0;
    code = with_blocking(*entry, readiness::writable, [&](std::error_code& ec) {
      n = entry->sock.send(bytes + sent, size - sent, ec, flags);
    });
    sent += n;
    if (code != 0) return sent > 0 ? 0 : code;
  } while (sent < size);
  return 0;
}

int recv_from(
    socket_handle s, void* data, std::size_t size, endpoint& from, std::size_t& received) noexcept {
  received = 0;
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  if (entry->proto == protocol::tcp) {
    // Winsock ignores the address for a stream socket: recvfrom is recv there.
    return recv(s, data, size, message_flags::none, received);
  }
  {
    const std::lock_guard<std::mutex> lock(the_runtime().mutex);
    if (!entry->bound) return code::invalid_argument;  // WSAEINVAL: recvfrom before bind
  }
  return with_blocking(*entry, readiness::readable, [&](std::error_code& ec) {
    received = entry->sock.recv_from(data, size, from, ec);
  });
}

int send_to(socket_handle s,
            const void* data,
            std::size_t size,
            const endpoint& to,
            std::size_t& sent) noexcept {
  sent = 0;
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  if (entry->proto == protocol::tcp) return send(s, data, size, message_flags::none, sent);
  code = with_blocking(*entry, readiness::writable, [&](std::error_code& ec) {
    sent = entry->sock.send_to(data, size, to, ec);
  });
  // The OS bound the socket to a port of its choosing (Winsock does the same).
  return code == 0 ? mark_bound(*entry) : code;
}

}  // namespace evsel::wsa
