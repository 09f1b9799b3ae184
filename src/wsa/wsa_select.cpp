// SPDX-License-Identifier: MIT
// evsel-wsa: WSAEventSelect and WSAEnumNetworkEvents.
//
// evsel's poller already keeps Windows' rules (what is recorded when, once until
// re-enabled, what survives re-selection); the thread that pumps it moves what it reports
// into the socket's Winsock record (wsa_pump.hpp). Both calls below hold the runtime lock,
// which delivering holds while it adds to a record and signals: so enumerating and
// resetting the event object happen in one step, and nothing recorded between the two can
// be lost.
#include <mutex>
#include <new>

#include "wsa_pump.hpp"
#include "wsa_runtime.hpp"

namespace evsel::wsa {

namespace {

// The event object a call names: null for a null handle; WSAEINVAL for a handle that is not
// an open event. Looked at after the socket: a handle that is no socket says so first.
int named_event(event_handle e, std::shared_ptr<event_object>& out) noexcept {
  if (e == nullptr) return 0;
  out = find_event(e);
  return out == nullptr ? code::invalid_argument : 0;
}

}  // namespace

int event_select(socket_handle s, event_handle e, event mask) noexcept {
  if (const int code = check_started()) return code;
  mask &= all_events;  // FD_QOS and the others Windows defines never occur here
  runtime& rt = the_runtime();
  try {
    const std::lock_guard<std::mutex> lock(rt.mutex);
    const auto it = rt.sockets.find(s);
    if (it == rt.sockets.end()) return code::not_socket;
    std::shared_ptr<event_object> object;
    if (const int code = named_event(e, object)) return code;
    if (object == nullptr && mask != event::none) return code::invalid_argument;
    socket_entry& entry = *it->second;
    if (mask == event::none || (entry.proto == protocol::udp && !entry.bound)) {
      // Deselection: evsel keeps what was recorded and what is disabled on the socket
      // itself, so a later selection continues where this one stopped (mask 0 and back).
      // Also an unbound UDP socket, which records nothing (C08): evsel would bind it to
      // register it, and the program could no longer bind it where it wants. It is
      // registered once bound (mark_bound).
      if (entry.registered) {
        if (const std::shared_ptr<evsel::poller> p = existing_hidden_poller()) {
          (void)p->remove(entry.sock);
        }
      }
      entry.registered = false;
    } else {
      const std::shared_ptr<evsel::poller> p = hidden_poller();
      const std::error_code ec = entry.registered
                                     ? p->modify(entry.sock, mask)
                                     : p->add(entry.sock, mask, reinterpret_cast<void*>(s));
      if (ec) return to_wsa(ec);
      entry.registered = true;
    }
    // "WSAEventSelect automatically sets socket s to nonblocking mode, regardless of the
    // value of lNetworkEvents."
    entry.blocking.store(false);
    entry.mask = mask;
    entry.selected = std::move(object);
    // Windows neither clears the record nor resets the old event object on re-selection;
    // recorded bits the new mask selects signal the new one.
    if (has_any(entry.recorded, mask) && entry.selected != nullptr) signal(*entry.selected);
    return 0;
  } catch (const std::bad_alloc&) {
    return code::no_buffer_space;
  } catch (const std::system_error&) {
    return code::no_buffer_space;  // the hidden poller could not be made
  }
}

int mark_bound(socket_entry& entry) noexcept {
  runtime& rt = the_runtime();
  try {
    const std::lock_guard<std::mutex> lock(rt.mutex);
    entry.bound = true;
    if (entry.registered || entry.mask == event::none || entry.closing.load()) return 0;
    const std::error_code ec =
        hidden_poller()->add(entry.sock, entry.mask, reinterpret_cast<void*>(entry.handle));
    if (ec) return to_wsa(ec);
    entry.registered = true;
    return 0;
  } catch (const std::bad_alloc&) {
    return code::no_buffer_space;
  } catch (const std::system_error&) {
    return code::no_buffer_space;  // the hidden poller could not be made
  }
}

int enum_network_events(socket_handle s,
                        event_handle e,
                        event& occurred,
                        int (&codes)[event_bit_count]) noexcept {
  occurred = event::none;
  for (int& c : codes) c = 0;
  if (const int code = check_started()) return code;
  // A program may enumerate without waiting: what evsel recorded meanwhile belongs to the
  // record, as it would on Windows. (Before the runtime lock, which delivering takes.)
  pump_now();
  runtime& rt = the_runtime();
  const std::lock_guard<std::mutex> lock(rt.mutex);
  const auto it = rt.sockets.find(s);
  if (it == rt.sockets.end()) return code::not_socket;
  std::shared_ptr<event_object> object;
  if (const int code = named_event(e, object)) return code;
  socket_entry& entry = *it->second;
  // Bits outside the current mask stay recorded for a later selection that includes them.
  occurred = entry.recorded & entry.mask;
  for (std::size_t i = 0; i < event_bit_count; ++i) {
    if (!has_any(occurred, static_cast<event>(1U << i))) continue;
    codes[i] = entry.codes[i];
    entry.codes[i] = 0;
  }
  entry.recorded &= ~occurred;
  if (object != nullptr) unsignal(*object);
  return 0;
}

}  // namespace evsel::wsa
