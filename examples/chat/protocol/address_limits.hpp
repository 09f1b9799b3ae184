// SPDX-License-Identifier: MIT
// evsel chat: admission per client address: how many connections one address holds at once,
// and how fast it may open new ones.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

#include "token_bucket.hpp"

namespace evsel::chat {

class address_limits {
 public:
  using clock = std::chrono::steady_clock;

  struct settings {
    std::size_t max_connections = 16;  // at once, per address; 0: no limit
    std::size_t per_second = 20;       // new connections a second, as many at once; 0: no limit
  };

  enum class verdict {
    admit,     // counted: call release() when the connection closes
    too_many,  // the address holds max_connections already
    too_fast   // the address opened per_second connections within the last second
  };

  // What was turned away since the last take_refusals(), for one log line a second.
  struct refusals {
    std::size_t too_many = 0;
    std::size_t too_fast = 0;
    std::string busiest;  // the address turned away most often
    std::size_t busiest_count = 0;
    std::size_t total() const noexcept { return too_many + too_fast; }
  };

  explicit address_limits(settings limits) : limits_(limits) {}

  // A connection from `address` (any string that names the client's address, or its
  // network: the server uses one per IPv4 address and one per IPv6 /64).
  verdict admit(const std::string& address, clock::time_point now);
  // A connection admitted earlier has closed. True if its address holds no connection now:
  // a prune() forgets it once its allowance is full again.
  bool release(const std::string& address) noexcept;

  refusals take_refusals();
  // Forgets addresses with no connection and a full allowance, so that the table holds only
  // the addresses connected or recently active, whoever connects. Returns how many addresses
  // with no connection it kept (allowance not yet full, or refusals not yet taken): a later
  // prune forgets them.
  std::size_t prune(clock::time_point now);
  std::size_t tracked() const noexcept { return table_.size(); }

 private:
  struct entry {
    explicit entry(std::size_t per_second) : allowance(static_cast<double>(per_second)) {}
    std::size_t connections = 0;
    token_bucket allowance;   // the connections it may open
    std::size_t refused = 0;  // since the last take_refusals()
  };

  settings limits_;
  std::unordered_map<std::string, entry> table_;
  refusals pending_;
};

}  // namespace evsel::chat
