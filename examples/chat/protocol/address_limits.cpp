// SPDX-License-Identifier: MIT
// evsel chat: admission per client address: how many connections one address holds at once,
// and how fast it may open new ones.
#include "address_limits.hpp"

namespace evsel::chat {

address_limits::verdict address_limits::admit(const std::string& address, clock::time_point now) {
  if (limits_.max_connections == 0 && limits_.per_second == 0) return verdict::admit;
  entry& e = table_.try_emplace(address, limits_.per_second).first->second;
  verdict result = verdict::admit;
  if (limits_.max_connections != 0 && e.connections >= limits_.max_connections) {
    result = verdict::too_many;
  } else if (limits_.per_second != 0 && !e.allowance.take(now)) {
    result = verdict::too_fast;
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

bool address_limits::release(const std::string& address) noexcept {
  const auto found = table_.find(address);
  if (found == table_.end() || found->second.connections == 0) return false;
  return --found->second.connections == 0;
}

address_limits::refusals address_limits::take_refusals() {
  refusals taken = std::move(pending_);
  pending_ = refusals{};
  if (taken.total() != 0) {
    for (auto& item : table_) item.second.refused = 0;
  }
  return taken;
}

std::size_t address_limits::prune(clock::time_point now) {
  std::size_t kept = 0;
  for (auto it = table_.begin(); it != table_.end();) {
    entry& e = it->second;
    if (e.connections == 0 && e.refused == 0 && e.allowance.full(now)) {
      it = table_.erase(it);
    } else {
      if (e.connections == 0) ++kept;
      ++it;
    }
  }
  return kept;
}

}  // namespace evsel::chat
