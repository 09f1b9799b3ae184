// SPDX-License-Identifier: MIT
// evsel-wsa: what a pumping thread does with the records it takes (wsa_pump.hpp).
#include "wsa_pump.hpp"

#include <cstdint>
#include <mutex>

#include "wsa_runtime.hpp"

namespace evsel::wsa {

namespace {

// Adds one evsel record to the socket's Winsock record and signals its event object when
// that holds a selected bit. evsel has already applied the model's rules (what is recorded
// when, once until re-enabled); what is left is Winsock's spelling of the codes.
void deliver_locked(socket_entry& entry, const ready_record& record) noexcept {
  const event bits = record.occurred & all_events;
  for (std::size_t i = 0; i < event_bit_count; ++i) {
    const auto bit = static_cast<event>(1U << i);
    if (!has_any(bits, bit)) continue;
    const std::error_code& ec = record.errors[i];
    entry.codes[i] = bit == event::close ? close_code(ec) : to_wsa(ec);
    if (bit == event::connect && ec) entry.pending_error = entry.codes[i];
  }
  entry.recorded |= bits;
  if (has_any(entry.recorded, entry.mask) && entry.selected != nullptr) signal(*entry.selected);
}

}  // namespace

void deliver(const ready_record* records, std::size_t count) noexcept {
  if (count == 0) return;
  runtime& rt = the_runtime();
  const std::lock_guard<std::mutex> lock(rt.mutex);
  for (std::size_t i = 0; i < count; ++i) {
    // The context is the SOCKET value; a socket closed since has no entry, and handles are
    // never reused, so a late record cannot reach another socket.
    const auto handle = reinterpret_cast<std::uintptr_t>(records[i].context);
    const auto it = rt.sockets.find(handle);
    if (it != rt.sockets.end()) deliver_locked(*it->second, records[i]);
  }
}

}  // namespace evsel::wsa
