// SPDX-License-Identifier: MIT
// evsel: test helpers that take records one by one: collect, count, find the first, check.
#pragma once

#include <chrono>
#include <cstddef>
#include <system_error>
#include <vector>

#include <evsel/evsel.hpp>

#include "support/harness.hpp"

namespace evsel_test {

// Every record `poller` returns within `window`, record by record (event_log would merge
// them, and "recorded once" is about records, not bits).
std::vector<evsel::ready_record> collect(evsel::poller& poller, ms window);

// How many of `records` are for `context` and hold any of `any_of` (event::none: any record).
std::size_t count_for(const std::vector<evsel::ready_record>& records,
                      const void* context,
                      event any_of = event::none);

// Everything that comes until the first record (at most expect_window) and within
// quiet_window after it: a record that comes twice shows up here.
std::vector<evsel::ready_record> next_records(evsel::poller& poller);

// A record and when the wait that returned it came back: a record returned before its
// planned time was early. found is false if none came.
struct returned_record {
  bool found = false;
  evsel::ready_record record;
  std::chrono::steady_clock::time_point at;
};
// The first record for `context` holding any of `want` (event::none: any record) within
// `timeout`; records for others are dropped.
returned_record first_for(evsel::poller& poller,
                          const void* context,
                          ms timeout,
                          event want = event::none);

// One wait with room for one record (up to 10 s unless told), when it came back and how long
// it took.
struct one_wait {
  std::size_t n = 0;
  evsel::ready_record record;
  std::error_code ec;
  std::chrono::steady_clock::time_point at;
  std::chrono::steady_clock::duration took{};
};
one_wait wait_once(evsel::poller& poller, ms timeout = ms(10000));

// A record of `occurred` alone, for `context`, with no error in any slot: what a user event
// (event::user) or a timer (event::timeout) records.
bool is_plain_record(const evsel::ready_record& r, const void* context, event occurred);
inline bool is_user_record(const evsel::ready_record& r, const void* context) {
  return is_plain_record(r, context, event::user);
}
inline bool is_timer_record(const evsel::ready_record& r, const void* context) {
  return is_plain_record(r, context, event::timeout);
}

// Checks a wait_once that a call from elsewhere ended: no error, one record, the plain record
// of `occurred` for `context`, well within the 10 s the wait was given.
void check_ended_early(const one_wait& w, const void* context, event occurred);

// Whether the next records (next_records) are exactly one: the user record of `context`.
bool only_user_record(evsel::poller& poller, const void* context);

}  // namespace evsel_test
