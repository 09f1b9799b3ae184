// SPDX-License-Identifier: MIT
// evsel: unit tests of the chat server's rules under load: per-address admission, the
// summing up of joins and leaves, the memory budget.
#include <chrono>
#include <string>

#include "address_limits.hpp"
#include "membership_notices.hpp"
#include "memory_budget.hpp"
#include "support/catch.hpp"
#include "token_bucket.hpp"

namespace {

using evsel::chat::address_limits;
using evsel::chat::membership_notices;
using evsel::chat::memory_budget;
using evsel::chat::token_bucket;
using namespace std::chrono_literals;
using verdict = address_limits::verdict;

const address_limits::clock::time_point start = address_limits::clock::now();

}  // namespace

TEST_CASE("A token bucket starts full, refills at its rate and holds no more than a second's worth",
          "[chat][admission]") {
  token_bucket bucket(2);
  CHECK(bucket.full(start));
  CHECK(bucket.take(start));
  CHECK(bucket.take(start));
  CHECK_FALSE(bucket.take(start));
  CHECK_FALSE(bucket.full(start + 100ms));
  CHECK(bucket.take(start + 500ms));  // one token a half second
  CHECK_FALSE(bucket.take(start + 500ms));
  CHECK(bucket.full(start + 10s));  // ten seconds idle: still only two
  CHECK(bucket.take(start + 10s));
  CHECK(bucket.take(start + 10s));
  CHECK_FALSE(bucket.take(start + 10s));
  token_bucket none;
  CHECK_FALSE(none.take(start));
  CHECK(none.full(start));
}

TEST_CASE("One address holds at most max_connections at once", "[chat][admission]") {
  address_limits limits({3, 0});
  for (int i = 0; i < 3; ++i) CHECK(limits.admit("10.0.0.1", start) == verdict::admit);
  CHECK(limits.admit("10.0.0.1", start) == verdict::too_many);
  CHECK(limits.admit("10.0.0.2", start) == verdict::admit);  // others are not affected
  limits.release("10.0.0.1");
  CHECK(limits.admit("10.0.0.1", start) == verdict::admit);
  CHECK(limits.admit("10.0.0.1", start) == verdict::too_many);
}

TEST_CASE("One address opens at most per_second connections a second, as many at once",
          "[chat][admission]") {
  address_limits limits({0, 4});
  for (int i = 0; i < 4; ++i) CHECK(limits.admit("a", start) == verdict::admit);
  CHECK(limits.admit("a", start) == verdict::too_fast);
  CHECK(limits.admit("a", start + 100ms) == verdict::too_fast);  // 0.4 of one so far
  CHECK(limits.admit("a", start + 250ms) == verdict::admit);     // a whole one now
  CHECK(limits.admit("a", start + 250ms) == verdict::too_fast);
  // Refused attempts do not use up the allowance: after a second all four are back.
  CHECK(limits.admit("a", start + 1250ms) == verdict::admit);
  for (int i = 0; i < 3; ++i) CHECK(limits.admit("a", start + 1250ms) == verdict::admit);
  CHECK(limits.admit("a", start + 1250ms) == verdict::too_fast);
}

TEST_CASE("Zero limits admit everything and track nothing", "[chat][admission]") {
  address_limits limits({0, 0});
  for (int i = 0; i < 1000; ++i) CHECK(limits.admit("a", start) == verdict::admit);
  CHECK(limits.tracked() == 0);
  CHECK(limits.take_refusals().total() == 0);
}

TEST_CASE("Refusals are counted by kind and name the busiest address", "[chat][admission]") {
  address_limits limits({1, 0});
  CHECK(limits.admit("a", start) == verdict::admit);
  CHECK(limits.admit("b", start) == verdict::admit);
  for (int i = 0; i < 5; ++i) CHECK(limits.admit("a", start) == verdict::too_many);
  for (int i = 0; i < 2; ++i) CHECK(limits.admit("b", start) == verdict::too_many);
  const auto refused = limits.take_refusals();
  CHECK(refused.too_many == 7);
  CHECK(refused.too_fast == 0);
  CHECK(refused.busiest == "a");
  CHECK(refused.busiest_count == 5);
  CHECK(limits.take_refusals().total() == 0);  // taken: counting starts again
  CHECK(limits.admit("b", start) == verdict::too_many);
  CHECK(limits.take_refusals().busiest == "b");
}

TEST_CASE("Addresses with no connection and a full allowance are forgotten", "[chat][admission]") {
  address_limits limits({2, 10});
  for (int i = 0; i < 100; ++i) {
    const std::string address = "10.0.0." + std::to_string(i);
    REQUIRE(limits.admit(address, start) == verdict::admit);
    CHECK(limits.release(address));  // its last connection
  }
  REQUIRE(limits.admit("kept", start) == verdict::admit);
  REQUIRE(limits.admit("kept", start) == verdict::admit);
  CHECK_FALSE(limits.release("kept"));  // one left
  CHECK(limits.tracked() == 101);
  // Allowances not full again yet: kept, and counted so that the server prunes again.
  CHECK(limits.prune(start + 50ms) == 100);
  CHECK(limits.tracked() == 101);
  CHECK(limits.prune(start + 2s) == 0);
  CHECK(limits.tracked() == 1);  // only the address still connected
  // Releasing an address never seen, or more often than admitted, changes nothing.
  CHECK_FALSE(limits.release("never"));
  CHECK_FALSE(limits.release("10.0.0.1"));
  CHECK(limits.tracked() == 1);
}

TEST_CASE("Joins and leaves are announced one by one while they are few", "[chat][notices]") {
  membership_notices notices(3);
  using change = membership_notices::change;
  CHECK(notices.announce(change::joined, start));
  CHECK(notices.announce(change::left, start));
  CHECK(notices.announce(change::joined, start));
  CHECK_FALSE(notices.announce(change::joined, start));
  CHECK_FALSE(notices.announce(change::left, start));
  CHECK_FALSE(notices.announce(change::left, start + 100ms));
  CHECK(notices.summary(42) == "* 1 joined and 2 left in the last second (42 online)");
  CHECK(notices.summary(42).empty());  // nothing held back since
  CHECK(notices.announce(change::joined, start + 1s));
}

TEST_CASE("With no limit every join and leave is announced", "[chat][notices]") {
  membership_notices notices(0);
  for (int i = 0; i < 1000; ++i) CHECK(notices.announce(membership_notices::change::left, start));
  CHECK(notices.summary(0).empty());
}

TEST_CASE("The memory budget keeps the exact total of every holder's charge", "[chat][memory]") {
  memory_budget budget(1600);
  CHECK(budget.high_water() == 1500);  // a sixteenth kept for what charges do not see
  CHECK(budget.low_water() == 1300);
  std::size_t a = 0;
  std::size_t b = 0;
  budget.recharge(a, 600);
  budget.recharge(b, 800);
  CHECK(budget.used() == 1400);
  CHECK(budget.has_room_for(100));
  CHECK_FALSE(budget.has_room_for(101));
  CHECK_FALSE(budget.exceeded());
  budget.recharge(b, 901);
  CHECK(budget.used() == 1501);
  CHECK(budget.exceeded());
  budget.recharge(a, 0);
  budget.recharge(b, 0);
  CHECK(budget.used() == 0);
  CHECK(a == 0);
  CHECK(memory_budget(1600, 4).high_water() == 1200);
  CHECK(memory_budget(1600, 4).low_water() == 1000);
}
