// SPDX-License-Identifier: MIT
// evsel-wsa: the table of SOCKET values, and sockets made and closed.
#include <mutex>
#include <new>
#include <utility>

#include "wsa_pump.hpp"
#include "wsa_runtime.hpp"

namespace evsel::wsa {

entry_ptr find_socket(socket_handle s, int& code) noexcept {
  code = check_started();
  if (code != 0) return nullptr;
  runtime& rt = the_runtime();
  const std::lock_guard<std::mutex> lock(rt.mutex);
  const auto it = rt.sockets.find(s);
  if (it == rt.sockets.end()) {
    code = code::not_socket;
    return nullptr;
  }
  return it->second;
}

int adopt_socket(evsel::socket sock,
                 address_family family,
                 protocol proto,
                 const socket_entry* inherit_from,
                 socket_handle& out) noexcept {
  out = invalid_socket_handle;
  runtime& rt = the_runtime();
  try {
    const std::lock_guard<std::mutex> lock(rt.mutex);
    // The last WSACleanup may have run since the caller looked: it closed every socket,
    // and this one goes too (the evsel socket closes as it leaves).
    if (rt.startups.load(std::memory_order_acquire) == 0) return code::not_initialised;
    // A listener closed meanwhile: the accepted socket would inherit a selection that no
    // one registers.
    if (inherit_from != nullptr && inherit_from->closing.load()) return code::not_socket;
    const socket_handle handle = rt.next_handle;
    auto entry = std::make_shared<socket_entry>(handle, std::move(sock), family, proto);
    if (inherit_from != nullptr) {
      // "The socket returned by accept has the same properties as the listening socket,
      // including its asynchronous events registered with WSAEventSelect."
      entry->blocking.store(inherit_from->blocking.load());
      entry->bound = true;
      if (inherit_from->registered) {
        auto* context = reinterpret_cast<void*>(handle);
        if (const std::error_code ec =
                hidden_poller()->add(entry->sock, inherit_from->mask, context)) {
          return to_wsa(ec);
        }
        entry->registered = true;
      }
      entry->mask = inherit_from->mask;
      entry->selected = inherit_from->selected;
    }
    rt.sockets.emplace(handle, std::move(entry));
    rt.next_handle += 4;
    out = handle;
    return 0;
  } catch (const std::bad_alloc&) {
    return code::no_buffer_space;
  } catch (const std::system_error&) {
    return code::no_buffer_space;  // the hidden poller could not be made
  }
}

void retire_socket_locked(runtime& rt, const entry_ptr& entry) noexcept {
  rt.sockets.erase(entry->handle);
  if (entry->registered) {
    if (const std::shared_ptr<evsel::poller> p = existing_hidden_poller())
      (void)p->remove(entry->sock);
    entry->registered = false;
  }
  cancel_blocking(*entry);
}

int open_socket(address_family family, protocol proto, socket_handle& out) noexcept {
  out = invalid_socket_handle;
  if (const int code = check_started()) return code;
  std::error_code ec;
  evsel::socket sock = evsel::socket::open(family, proto, ec);
  if (ec) return to_wsa(ec);
  return adopt_socket(std::move(sock), family, proto, nullptr, out);
}

int close_socket(socket_handle s) noexcept {
  if (const int code = check_started()) return code;
  runtime& rt = the_runtime();
  entry_ptr entry;
  {
    const std::lock_guard<std::mutex> lock(rt.mutex);
    const auto it = rt.sockets.find(s);
    if (it == rt.sockets.end()) return code::not_socket;
    entry = it->second;
    retire_socket_locked(rt, entry);
  }
  // The socket closes here, or when a call still running on another thread returns.
  return 0;
}

int socket_kind(socket_handle s, address_family& family, protocol& proto) noexcept {
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  family = entry->family;
  proto = entry->proto;
  return 0;
}

int set_blocking(socket_handle s, bool blocking) noexcept {
  if (const int code = check_started()) return code;
  runtime& rt = the_runtime();
  const std::lock_guard<std::mutex> lock(rt.mutex);
  const auto it = rt.sockets.find(s);
  if (it == rt.sockets.end()) return code::not_socket;
  socket_entry& entry = *it->second;
  // "To set the socket back to blocking mode, an application must first disable
  // WSAEventSelect by calling WSAEventSelect with the lNetworkEvents parameter equal to zero."
  if (blocking && entry.mask != event::none) return code::invalid_argument;
  entry.blocking.store(blocking);
  return 0;
}

int bytes_available(socket_handle s, std::size_t& out) noexcept {
  out = 0;
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  std::error_code ec;
  out = entry->sock.available(ec);
  return to_wsa(ec);
}

int local_endpoint(socket_handle s, endpoint& out) noexcept {
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  // Winsock: getsockname on a socket never bound fails with WSAEINVAL (POSIX says 0.0.0.0:0).
  {
    const std::lock_guard<std::mutex> lock(the_runtime().mutex);
    if (!entry->bound) return code::invalid_argument;
  }
  std::error_code ec;
  out = entry->sock.local_endpoint(ec);
  return to_wsa(ec);
}

int remote_endpoint(socket_handle s, endpoint& out) noexcept {
  int code = 0;
  const entry_ptr entry = find_socket(s, code);
  if (entry == nullptr) return code;
  std::error_code ec;
  out = entry->sock.remote_endpoint(ec);
  return to_wsa(ec);
}

}  // namespace evsel::wsa
