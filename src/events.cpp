// SPDX-License-Identifier: MIT
// evsel: printing event sets and reading per-event errors.
#include <cstdio>

#include <evsel/events.hpp>

namespace evsel {

std::string to_string(event set) {
  static constexpr const char* names[event_bit_count] = {"read",   "write",   "oob",
                                                         "accept", "connect", "close"};
  if (set == event::none) return "none";
  std::string text;
  for (std::size_t i = 0; i < event_bit_count; ++i) {
    if (!has_any(set, static_cast<event>(1U << i))) continue;
    if (!text.empty()) text += '|';
    text += names[i];
  }
  static constexpr struct {
    event bit;
    const char* name;
  } record_only[] = {{event::user, "user"}, {event::timeout, "timeout"}};
  for (const auto& extra : record_only) {
    if (!has_any(set, extra.bit)) continue;
    if (!text.empty()) text += '|';
    text += extra.name;
  }
  const auto known = static_cast<std::uint32_t>(all_events | event::user | event::timeout);
  const auto unknown = static_cast<std::uint32_t>(set) & ~known;
  if (unknown != 0) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%x", static_cast<unsigned>(unknown));
    if (!text.empty()) text += '|';
    text += buffer;
  }
  return text;
}

const std::error_code& network_events::error(event single) const noexcept {
  static const std::error_code none;
  const std::size_t i = bit_index(single);
  if (i >= event_bit_count || !has(single)) return none;
  return errors[i];
}

}  // namespace evsel
