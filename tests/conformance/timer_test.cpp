// SPDX-License-Identifier: MIT
// evsel: timers: never early, one record per expiry until take_expirations, periods on plan.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <system_error>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "support/harness.hpp"
#include "support/records.hpp"

using namespace evsel_test;
using evsel::errc;
using evsel::event;

namespace {
using clock = std::chrono::steady_clock;
using std::chrono::microseconds;

// Periods are planned from the first expiry: every later one is an exact multiple away.
bool on_plan(clock::time_point first, clock::time_point next, clock::duration period) {
  return next >= first && (next - first) % period == clock::duration::zero();
}

}  // namespace

TEST_CASE("A one-shot timer is recorded once and never early", "[conformance][timer]") {
  evsel::timer t;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(t, &t));
  CHECK_FALSE(t.armed());
  clock::time_point planned;
  SECTION("arm") {
    const auto before = clock::now();
    REQUIRE_FALSE(t.arm(ms(200)));
    planned = t.next_expiry();
    CHECK(planned >= before + ms(200));
    CHECK(planned <= clock::now() + ms(200));
  }
  SECTION("arm_at") {
    const auto when = clock::now() + ms(200);
    REQUIRE_FALSE(t.arm_at(when));
    planned = t.next_expiry();
    CHECK(planned == when);
  }
  CHECK(t.armed());
  const returned_record got = first_for(poller, &t, ms(200) + expect_window);
  REQUIRE(got.found);
  CHECK(is_timer_record(got.record, &t));
  CHECK(got.at >= planned);  // never early
  CHECK(got.at <= planned + std::chrono::seconds(2));
  CHECK_FALSE(t.armed());
  CHECK(t.take_expirations() == 1);
  CHECK(collect(poller, quiet_window).empty());
  CHECK(t.take_expirations() == 0);
}

TEST_CASE("A timer armed in the past expires at once", "[conformance][timer]") {
  evsel::timer t;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(t, &t));
  REQUIRE_FALSE(t.arm_at(clock::now() - std::chrono::seconds(1)));
  const auto start = clock::now();
  const returned_record got = first_for(poller, &t, expect_window);
  REQUIRE(got.found);
  CHECK(is_timer_record(got.record, &t));
  CHECK(got.at - start < std::chrono::seconds(1));
  CHECK(t.take_expirations() == 1);
}

TEST_CASE("A periodic timer: records taken one by one stay on the plan of its first expiry",
          "[conformance][timer]") {
  evsel::timer t;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(t, &t));
  const ms period(50);
  REQUIRE_FALSE(t.arm(period, period));
  const auto first = t.next_expiry();
  std::uint64_t taken = 0;
  int records = 0;
  const auto until = clock::now() + ms(1000);
  while (clock::now() < until) {
    const returned_record got = first_for(poller, &t, expect_window);
    REQUIRE(got.found);
    CHECK(is_timer_record(got.record, &t));
    CHECK(got.at >= first);
    ++records;
    // Read late on purpose: periods planned from the read would drift by this much.
    std::this_thread::sleep_for(ms(70));
    const std::uint64_t n = t.take_expirations();
    const auto after_take = clock::now();
    CHECK(n >= 1);
    taken += n;
    // Never ahead of the plan: no more expiries than planned times that have passed.
    CHECK(taken <= static_cast<std::uint64_t>((after_take - first) / period) + 1);
    CHECK(t.armed());
    CHECK(on_plan(first, t.next_expiry(), period));
  }
  INFO(records << " records, " << taken << " expirations");
  CHECK(records >= 3);
  CHECK(taken >= 5);
  REQUIRE_FALSE(t.disarm());
  CHECK_FALSE(t.armed());
}

TEST_CASE("A periodic timer after a stall: one record and a count, never a flood",
          "[conformance][timer]") {
  evsel::timer t;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(t, &t));
  const ms period(50);
  REQUIRE_FALSE(t.arm(period, period));
  const auto first = t.next_expiry();
  std::this_thread::sleep_for(ms(500));  // about ten expiries, nobody waiting
  std::array<evsel::ready_record, 16> ready;
  std::error_code ec;
  const std::size_t n = poller.wait(ready.data(), ready.size(), expect_window, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(n == 1);
  CHECK(is_timer_record(ready[0], &t));
  // Not re-enabled yet: later expiries are counted, not recorded.
  CHECK(collect(poller, ms(100)).empty());
  const std::uint64_t count = t.take_expirations();
  const auto taken_at = clock::now();
  INFO(count << " expirations (about 12 planned)");
  CHECK(count >= 5);  // a loaded machine may have counted late, never early
  CHECK(count <= static_cast<std::uint64_t>((taken_at - first) / period) + 1);
  CHECK(on_plan(first, t.next_expiry(), period));
  // Re-enabled: the next expiry is recorded again.
  CHECK(first_for(poller, &t, expect_window).found);
}

TEST_CASE("disarm after an expiry nobody waited for: no record", "[conformance][timer]") {
  evsel::timer t;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(t, &t));
  SECTION("one-shot") {
    REQUIRE_FALSE(t.arm(ms(50)));
  }
  SECTION("periodic") {
    REQUIRE_FALSE(t.arm(ms(50), ms(50)));
  }
  std::this_thread::sleep_for(ms(200));
  REQUIRE_FALSE(t.disarm());
  CHECK_FALSE(t.armed());
  CHECK(collect(poller, quiet_window).empty());
  CHECK(t.take_expirations() == 0);  // dropped by disarm
}

TEST_CASE("arm, disarm, take_expirations and remove take back a record not yet returned",
          "[conformance][timer]") {
  evsel::timer a;
  evsel::timer b;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(a, &a));
  REQUIRE_FALSE(poller.add(b, &b));
  REQUIRE_FALSE(a.arm_at(clock::now() - ms(1)));
  REQUIRE_FALSE(b.arm_at(clock::now() - ms(1)));
  std::this_thread::sleep_for(settle_window);
  // A wait with room for one returns one timer's record and holds the other's.
  evsel::timer& held = hold_one_record(poller, a, b);

  SECTION("without any call the held record is the next one") {
    const std::vector<evsel::ready_record> seen = collect(poller, quiet_window);
    REQUIRE(seen.size() == 1);
    CHECK(is_timer_record(seen[0], &held));
  }
  SECTION("disarm") {
    REQUIRE_FALSE(held.disarm());
    CHECK(collect(poller, quiet_window).empty());
  }
  SECTION("take_expirations") {
    CHECK(held.take_expirations() == 1);
    CHECK(collect(poller, quiet_window).empty());
  }
  SECTION("arm again for later") {
    REQUIRE_FALSE(held.arm(std::chrono::seconds(10)));
    CHECK(held.take_expirations() == 0);
    CHECK(collect(poller, quiet_window).empty());
  }
  SECTION("remove") {
    REQUIRE_FALSE(poller.remove(held));
    CHECK(poller.size() == 1);
    CHECK(collect(poller, quiet_window).empty());
  }
}

TEST_CASE("Arming a timer from another thread ends a blocked wait early", "[conformance][timer]") {
  evsel::timer t;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(t, &t));
  std::atomic<clock::rep> planned{0};
  std::thread armer([&] {
    std::this_thread::sleep_for(ms(100));
    (void)t.arm(ms(50));
    planned = t.next_expiry().time_since_epoch().count();
  });
  const one_wait w = wait_once(poller);
  armer.join();
  check_ended_early(w, &t, event::timeout);
  CHECK(w.at.time_since_epoch().count() >= planned.load());  // never early
}

TEST_CASE("A timer that expired before add is recorded at the first wait", "[conformance][timer]") {
  evsel::timer t;
  REQUIRE_FALSE(t.arm(ms(10)));
  std::this_thread::sleep_for(ms(100));
  CHECK_FALSE(t.armed());  // an unregistered timer runs all the same
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(t, &t));
  const auto start = clock::now();
  const returned_record got = first_for(poller, &t, expect_window);
  REQUIRE(got.found);
  CHECK(is_timer_record(got.record, &t));
  CHECK(got.at - start < std::chrono::seconds(1));
  CHECK(t.take_expirations() == 1);
}

TEST_CASE("Timer misuse: a negative period, an empty timer, two registrations",
          "[conformance][timer][errors]") {
  evsel::timer t;
  CHECK(t.arm(ms(10), ms(-1)) == errc::invalid_argument);
  CHECK(t.arm_at(clock::now(), -clock::duration(1)) == errc::invalid_argument);
  CHECK_FALSE(t.armed());

  evsel::poller first;
  evsel::poller second;
  REQUIRE_FALSE(first.add(t, &t));
  CHECK(first.add(t, &t) == errc::already_registered);
  CHECK(second.add(t, &t) == errc::already_registered);
  CHECK(second.remove(t) == errc::not_registered);
  CHECK(first.size() == 1);
  CHECK(second.size() == 0);

  // Moving keeps the registration and the schedule; the moved-from timer is empty.
  REQUIRE_FALSE(t.arm(ms(100)));
  const auto planned = t.next_expiry();
  evsel::timer moved(std::move(t));
  CHECK(moved.valid());
  CHECK_FALSE(t.valid());  // NOLINT(bugprone-use-after-move): the empty timer is tested
  CHECK(moved.next_expiry() == planned);
  CHECK(t.arm(ms(10)) == errc::invalid_argument);
  CHECK(t.arm_at(clock::now()) == errc::invalid_argument);
  CHECK(t.disarm() == errc::invalid_argument);
  CHECK(t.take_expirations() == 0);
  CHECK_FALSE(t.armed());
  CHECK(second.add(t, &t) == errc::invalid_argument);
  CHECK(second.remove(t) == errc::invalid_argument);
  const returned_record got = first_for(first, &t, expect_window);  // add's context
  REQUIRE(got.found);
  CHECK(got.at >= planned);
  CHECK(moved.take_expirations() == 1);
}

TEST_CASE("remove drops a pending timer record and keeps the timer armed", "[conformance][timer]") {
  evsel::timer t;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(t, &t));
  REQUIRE_FALSE(t.arm(ms(20), ms(20)));
  std::this_thread::sleep_for(ms(100));
  REQUIRE_FALSE(poller.remove(t));
  CHECK(poller.size() == 0);
  CHECK(collect(poller, quiet_window).empty());
  CHECK(t.armed());
  // Added again, its expiries that passed meanwhile are recorded at once.
  REQUIRE_FALSE(poller.add(t, &t));
  CHECK(first_for(poller, &t, expect_window).found);
  CHECK(t.take_expirations() >= 1);
}

TEST_CASE("Destroying a registered timer removes it and its record",
          "[conformance][timer][lifecycle]") {
  evsel::poller poller;
  int marker = 0;  // the context: not the timer's address, which is gone below
  const void* gone = &marker;
  {
    evsel::timer t;
    REQUIRE_FALSE(poller.add(t, &marker));
    REQUIRE_FALSE(t.arm_at(clock::now() - ms(1)));
    std::this_thread::sleep_for(settle_window);
    CHECK(poller.size() == 1);
  }
  CHECK(poller.size() == 0);
  CHECK(count_for(collect(poller, quiet_window), gone) == 0);
}

TEST_CASE("Re-arming drops expirations not yet taken", "[conformance][timer]") {
  evsel::timer t;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(t, &t));
  REQUIRE_FALSE(t.arm(ms(20), ms(20)));
  std::this_thread::sleep_for(ms(200));  // about ten expiries, one record collected
  REQUIRE_FALSE(t.arm(ms(600)));
  const auto planned = t.next_expiry();
  CHECK(t.take_expirations() == 0);
  CHECK(collect(poller, quiet_window).empty());
  const returned_record got = first_for(poller, &t, expect_window);
  REQUIRE(got.found);
  CHECK(got.at >= planned);
  CHECK(t.take_expirations() == 1);
}

TEST_CASE("Short timers from 0.5 ms to 16.3 ms never record before their time",
          "[conformance][timer]") {
  evsel::timer t;
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(t, &t));
  // Below a millisecond, and just past one and past Windows' 15.6 ms tick: where a backend
  // rounds a wait down, these come back early.
  const std::array<clock::duration, 4> delays{microseconds(500), ms(1), microseconds(1500),
                                              microseconds(16300)};
  int early = 0;
  for (int round = 0; round < 40; ++round) {
    REQUIRE_FALSE(t.arm(delays[round % delays.size()]));
    const auto planned = t.next_expiry();
    const returned_record got = first_for(poller, &t, expect_window);
    REQUIRE(got.found);
    early += got.at < planned ? 1 : 0;
    REQUIRE(t.take_expirations() == 1);
  }
  CHECK(early == 0);
}
