// SPDX-License-Identifier: MIT
// evsel-wsa: the pump thread (wsa_pump.hpp).
#include "wsa_pump.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "wsa_runtime.hpp"

namespace evsel::wsa {

namespace {

constexpr std::size_t records_per_round = 256;

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

pump::pump(runtime& rt) : rt_(rt), thread_([this] { run(); }) {}

pump::~pump() { stop(); }

void pump::stop() noexcept {
  stopping_.store(true, std::memory_order_release);
  poller_.wake();
  if (thread_.joinable()) thread_.join();
}

void pump::run() noexcept {
  std::array<ready_record, records_per_round> records;
  while (!stopping_.load(std::memory_order_acquire)) {
    std::error_code ec;
    const std::size_t n = poller_.wait(records.data(), records.size(), evsel::poller::infinite, ec);
    if (ec) {
      // Nothing the application could be told about: the OS refused a wait. Try again
      // without spinning.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    if (n == 0) continue;
    const std::lock_guard<std::mutex> lock(rt_.mutex);
    for (std::size_t i = 0; i < n; ++i) {
      // The context is the SOCKET value; a socket closed since has no entry, and handles
      // are never reused, so a late record cannot reach another socket.
      const auto handle = reinterpret_cast<std::uintptr_t>(records[i].context);
      const auto it = rt_.sockets.find(handle);
      if (it != rt_.sockets.end()) deliver_locked(*it->second, records[i]);
    }
  }
}

pump& pump_locked(runtime& rt) {
  if (rt.pumping == nullptr) rt.pumping = std::make_unique<pump>(rt);
  return *rt.pumping;
}

}  // namespace evsel::wsa
