// SPDX-License-Identifier: MIT
// evsel chat: admission per client address: how many connections one address holds at once,
// and how fast it may open new ones.
#include "address_limits.hpp"

#include <algorithm>

namespace evsel::chat {

void address_limits::refill(entry& e, clock::time_point now) const noexcept {
  const auto rate = static_cast<double>(limits_.per_second);
  if (e.refilled == clock::time_point{}) {
    e.allowance = rate;  // a second's worth to begin with
  } else {
    const double seconds = std::chrono::duration<double>(now - e.refilled).count();
    e.allowance = std::min(rate, e.allowance + seconds * rate);
  }
  e.refilled = now;
}

address_limits::verdict address_limits::admit(const std::string& address, clock::time_point now) {
  if (limits_.max_connections == 0 && limits_.per_second == 0) return verdict::admit;
  entry& e = table_[address];
  verdict result = verdict::admit;
  if (limits_.max_connections != 0 && e.connections >= limits_.max_connections) {
    result = verdict::too_many;
  } else if (limits_.per_second != 0) {
    refill(e, now);
    if (e.allowance < 1) {
      result = verdict::too_fast;
    } else {
      e.allowance -= 1;
    }
  }
  switch (result) {
    case verdict::admit:
      ++e.connections;
      break;
    case verdict::too_many:
      ++pending_.too_many;
      break;
    case verdict::too_fast:
      ++pending_.too_fast;
      break;
  }
  if (result != verdict::admit && ++e.refused > pending_.busiest_count) {
    pending_.busiest = address;
    pending_.busiest_count = e.refused;
  }
  return result;
}

void address_limits::release(const std::string& address) noexcept {
  const auto found = table_.find(address);
  if (found != table_.end() && found->second.connections != 0) --found->second.connections;
}

address_limits::refusals address_limits::take_refusals() {
  refusals taken = std::move(pending_);
  pending_ = refusals{};
  if (taken.total() != 0) {
    for (auto& item : table_) item.second.refused = 0;
  }
  return taken;
}

void address_limits::prune(clock::time_point now) {
  for (auto it = table_.begin(); it != table_.end();) {
    entry& e = it->second;
    if (e.connections == 0 && limits_.per_second != 0) refill(e, now);
    const bool full =
        limits_.per_second == 0 || e.allowance >= static_cast<double>(limits_.per_second);
    if (e.connections == 0 && full && e.refused == 0) {
      it = table_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace evsel::chat
