// SPDX-License-Identifier: MIT
// evsel-wsa: bind, listen, accept, connect and shutdown, blocking or not.
#include <chrono>
#include <memory>
#include <mutex>
#include <new>

#include <evsel/error.hpp>
#include <evsel/poller.hpp>

#include "wsa_runtime.hpp"

namespace evsel::wsa {

namespace {

// How long a failed blocking connect's look waits between checks that closesocket has not
// been called on another thread (evsel's wait cannot watch the cancel pipe).
constexpr std::chrono::milliseconds failure_look{100};

// The error of a failed attempt: evsel reports every outcome as the connect event, so a
// poller of this thread, selecting connect alone, learns it.
int failure_of_attempt(socket_entry& entry) noexcept {
  thread_local std::unique_ptr<evsel::poller> private_poller;
  try {
    if (private_poller == nullptr) private_poller = std::make_unique<evsel::poller>();
  } catch (const std::exception&) {
    return code::no_buffer_space;
  }
  evsel::poller& p = *private_poller;
  if (const std::error_code ec = p.add(entry.sock, event::connect)) return to_wsa(ec);
  int result = 0;
  for (;;) {
    if (entry.closing.load(std::memory_order_acquire)) {
      result = code::interrupted;
      break;
    }
    ready_record record;
    std::error_code ec;
    const std::size_t n = p.wait(&record, 1, failure_look, ec);
    if (ec || (n == 1 && record.has(event::connect))) {
      result = to_wsa(ec ? ec : record.error(event::connect));
      break;
    }
  }
  (void)p.remove(entry.sock);
  return result;
}

// A blocking connect waits until the socket is writable (the attempt ended) or closed. A
// connection made is left unreported, so that a later WSAEventSelect records FD_CONNECT and
// FD_WRITE as Windows does for a socket connected before it was selected (C25).
int await_connect(socket_entry& entry) noexcept {
  if (const int waited = wait_ready(entry, readiness::writable, 0)) return waited;
  std::error_code ec;
  (void)entry.sock.remote_endpoint(ec);
  if (!ec) return 0;
  const int result = failure_of_attempt(entry);
  if (result != 0 && result != code::interrupted) {
    const std::lock_guard<std::mutex> lock(the_runtime().mutex);
    entry.pending_error = result;
  }
  return result;
}

}  // namespace

int bind(socket_handle s, const endpoint& local) noexcept {
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  {
    const std::lock_guard<std::mutex> lock(the_runtime().mutex);
    if (entry->bound) return code::invalid_argument;  // Winsock: already bound
  }
  if (const std::error_code ec = entry->sock.bind(local)) return to_wsa(ec);
  return mark_bound(*entry);
}

int listen(socket_handle s, int backlog) noexcept {
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  {
    const std::lock_guard<std::mutex> lock(the_runtime().mutex);
    if (entry->proto != protocol::tcp) return code::operation_not_supported;
    // POSIX binds an unbound listener to a port of its choosing; Winsock refuses.
    if (!entry->bound) return code::invalid_argument;
  }
  if (const std::error_code ec = entry->sock.listen(backlog)) {
    // A connected or connecting socket: Winsock says WSAEISCONN or WSAEINVAL.
    return ec == errc::invalid_argument ? code::is_connected : to_wsa(ec);
  }
  const std::lock_guard<std::mutex> lock(the_runtime().mutex);
  entry->listening = true;
  return 0;
}

int accept(socket_handle s, socket_handle& out, endpoint& peer) noexcept {
  out = invalid_socket_handle;
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  for (;;) {
    std::error_code ec;
    evsel::socket accepted = entry->sock.accept(peer, ec);
    if (!ec) {
      return adopt_socket(std::move(accepted), entry->family, entry->proto, entry.get(), out);
    }
    if (ec != errc::would_block || !entry->blocking.load()) return to_wsa(ec);
    if (const int waited = wait_ready(*entry, readiness::readable, 0)) return waited;
  }
}

int connect(socket_handle s, const endpoint& remote) noexcept {
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  if (const std::error_code ec = entry->sock.connect(remote)) return to_wsa(ec);
  const int registered = mark_bound(*entry);
  if (entry->proto == protocol::udp) return registered;
  // Winsock's non-blocking connect says WSAEWOULDBLOCK (POSIX's EINPROGRESS), and the outcome
  // comes as FD_CONNECT.
  if (!entry->blocking.load()) return code::would_block;
  return await_connect(*entry);
}

int shutdown(socket_handle s, shutdown_mode how) noexcept {
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  return to_wsa(entry->sock.shutdown(how));
}

}  // namespace evsel::wsa
