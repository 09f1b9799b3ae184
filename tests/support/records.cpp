// SPDX-License-Identifier: MIT
// evsel: test helpers that take records one by one: collect, count, find the first, check.
#include "records.hpp"

#include <array>

#include "support/catch.hpp"

namespace evsel_test {
namespace {
using clock = std::chrono::steady_clock;
}  // namespace

std::vector<evsel::ready_record> collect(evsel::poller& poller, ms window) {
  std::vector<evsel::ready_record> seen;
  wait_through(poller, window, [&](const evsel::ready_record& r) { seen.push_back(r); });
  return seen;
}

std::size_t count_for(const std::vector<evsel::ready_record>& records,
                      const void* context,
                      event any_of) {
  std::size_t n = 0;
  for (const auto& r : records) {
    n += r.context == context && (any_of == event::none || r.has(any_of)) ? 1 : 0;
  }
  return n;
}

std::vector<evsel::ready_record> next_records(evsel::poller& poller) {
  std::array<evsel::ready_record, 16> first;
  std::error_code ec;
  const std::size_t n = poller.wait(first.data(), first.size(), expect_window, ec);
  REQUIRE_FALSE(ec);
  std::vector<evsel::ready_record> seen(first.begin(), first.begin() + n);
  for (const auto& r : collect(poller, quiet_window)) seen.push_back(r);
  return seen;
}

returned_record first_for(evsel::poller& poller, const void* context, ms timeout, event want) {
  returned_record r;
  const auto until = clock::now() + timeout;
  std::array<evsel::ready_record, 16> ready;
  for (auto now = clock::now(); !r.found && now < until; now = clock::now()) {
    std::error_code ec;
    const std::size_t n = poller.wait(ready.data(), ready.size(),
                                      std::chrono::duration_cast<ms>(until - now) + ms(1), ec);
    r.at = clock::now();
    REQUIRE_FALSE(ec);
    for (std::size_t i = 0; i < n && !r.found; ++i) {
      if (ready[i].context == context && (want == event::none || ready[i].has(want))) {
        r = {true, ready[i], r.at};
      }
    }
  }
  return r;
}

one_wait wait_once(evsel::poller& poller, ms timeout) {
  one_wait w;
  const auto start = clock::now();
  w.n = poller.wait(&w.record, 1, timeout, w.ec);
  w.at = clock::now();
  w.took = w.at - start;
  return w;
}

bool is_plain_record(const evsel::ready_record& r, const void* context, event occurred) {
  if (r.occurred != occurred || r.context != context) return false;
  for (const std::error_code& e : r.errors) {
    if (e) return false;
  }
  return true;
}

void check_ended_early(const one_wait& w, const void* context, event occurred) {
  CHECK_FALSE(w.ec);
  REQUIRE(w.n == 1);
  CHECK(is_plain_record(w.record, context, occurred));
  CHECK(w.took < std::chrono::seconds(2));
}

bool only_user_record(evsel::poller& poller, const void* context) {
  const std::vector<evsel::ready_record> seen = next_records(poller);
  UNSCOPED_INFO(seen.size() << " records, the first "
                            << (seen.empty() ? event::none : seen[0].occurred));
  return seen.size() == 1 && is_user_record(seen[0], context);
}

}  // namespace evsel_test
