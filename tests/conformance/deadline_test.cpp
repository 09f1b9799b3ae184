// SPDX-License-Identifier: MIT
// evsel: per-socket deadlines and idle timeouts: timeout in the socket's record, once, never early.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
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
}  // namespace

TEST_CASE("A deadline is recorded once as timeout whatever the mask, never early",
          "[conformance][deadline]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event mask = event::none;
  SECTION("mask none") {
    mask = event::none;
  }
  SECTION("mask read and close") {
    mask = event::read | event::close;
  }
  REQUIRE_FALSE(poller.add(pair.server, mask, &pair.server));
  const auto when = clock::now() + ms(200);
  REQUIRE_FALSE(poller.set_deadline(pair.server, when));
  const returned_record got = first_for(poller, &pair.server, ms(200) + expect_window);
  REQUIRE(got.found);
  CHECK(got.record.occurred == event::timeout);
  for (const std::error_code& e : got.record.errors) CHECK_FALSE(e);
  CHECK(got.at >= when);
  CHECK(got.at <= when + std::chrono::seconds(2));
  CHECK(collect(poller, quiet_window).empty());  // one-shot
}

TEST_CASE("A deadline beside a read: both are recorded, the timeout once",
          "[conformance][deadline]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  send_all(pair.client, "x");
  REQUIRE_FALSE(poller.set_deadline(pair.server, clock::now() + ms(20)));
  std::this_thread::sleep_for(ms(150));  // the read and the deadline both pending
  const std::vector<evsel::ready_record> seen = collect(poller, ms(600));
  // In one record or in two, as the backend collected them: each once.
  CHECK(count_for(seen, &pair.server, event::timeout) == 1);
  CHECK(count_for(seen, &pair.server, event::read) == 1);
  const event both = event::read | event::timeout;
  for (const auto& r : seen) CHECK((r.occurred | both) == both);
  CHECK(seen.size() <= 2);
}

TEST_CASE("A new deadline replaces the old one and takes back its pending record",
          "[conformance][deadline]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  REQUIRE_FALSE(poller.set_deadline(pair.server, clock::now() + ms(20)));
  std::this_thread::sleep_for(ms(150));
  const auto when = clock::now() + ms(600);
  REQUIRE_FALSE(poller.set_deadline(pair.server, when));
  CHECK(collect(poller, quiet_window).empty());
  const returned_record got = first_for(poller, &pair.server, expect_window);
  REQUIRE(got.found);
  CHECK(got.record.occurred == event::timeout);
  CHECK(got.at >= when);
  CHECK(collect(poller, quiet_window).empty());
}

TEST_CASE("clear_deadline cancels a deadline and takes back its record not yet returned",
          "[conformance][deadline]") {
  tcp_pair a = make_tcp_pair();
  tcp_pair b = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(a.server, event::read, &a.server));
  REQUIRE_FALSE(poller.add(b.server, event::read, &b.server));
  SECTION("before it passes") {
    REQUIRE_FALSE(poller.set_deadline(a.server, clock::now() + ms(200)));
    REQUIRE_FALSE(poller.clear_deadline(a.server));
    CHECK(collect(poller, ms(500)).empty());
  }
  SECTION("passed while nobody waited") {
    REQUIRE_FALSE(poller.set_deadline(a.server, clock::now() + ms(20)));
    std::this_thread::sleep_for(ms(150));
    REQUIRE_FALSE(poller.clear_deadline(a.server));
    CHECK(collect(poller, quiet_window).empty());
  }
  SECTION("collected and held back by a wait with room for one") {
    REQUIRE_FALSE(poller.set_deadline(a.server, clock::now()));
    REQUIRE_FALSE(poller.set_deadline(b.server, clock::now()));
    std::this_thread::sleep_for(settle_window);
    evsel::socket& held = hold_one_record(poller, a.server, b.server);
    REQUIRE_FALSE(poller.clear_deadline(held));
    CHECK(collect(poller, quiet_window).empty());
  }
  SECTION("held back, not cleared: it is the next record") {
    REQUIRE_FALSE(poller.set_deadline(a.server, clock::now()));
    REQUIRE_FALSE(poller.set_deadline(b.server, clock::now()));
    std::this_thread::sleep_for(settle_window);
    evsel::socket& held = hold_one_record(poller, a.server, b.server);
    const std::vector<evsel::ready_record> seen = collect(poller, quiet_window);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].context == &held);
    CHECK(seen[0].occurred == event::timeout);
  }
}

TEST_CASE("A deadline set while another thread waits ends that wait on time",
          "[conformance][deadline][threads]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  std::atomic<clock::rep> when{0};
  std::thread setter([&] {
    std::this_thread::sleep_for(ms(100));
    const auto deadline = clock::now() + ms(100);
    when = deadline.time_since_epoch().count();
    (void)poller.set_deadline(pair.server, deadline);
  });
  const one_wait w = wait_once(poller);
  setter.join();
  REQUIRE(w.n == 1);
  CHECK(w.record.occurred == event::timeout);
  CHECK(w.at.time_since_epoch().count() >= when.load());
  CHECK(w.took < std::chrono::seconds(2));
}

TEST_CASE("An idle timeout waits out the traffic, then comes once per idle period",
          "[conformance][deadline]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  const ms idle(300);
  REQUIRE_FALSE(poller.set_idle_timeout(pair.server, idle));
  // The peer sends every 50 ms for a second; each read record is read at once.
  std::atomic<bool> sending{true};
  std::thread peer([&] {
    const auto until = clock::now() + ms(1000);
    while (clock::now() < until) {
      std::error_code ec;
      pair.client.send("x", 1, ec);
      std::this_thread::sleep_for(ms(50));
    }
    sending = false;
  });
  clock::time_point last_moved = clock::now();
  std::vector<clock::time_point> timeouts;
  std::size_t during_traffic = 0;
  const auto on_record = [&](const evsel::ready_record& r) {
    if (r.has(event::read) && !drain(pair.server).empty()) last_moved = clock::now();
    if (r.has(event::timeout)) {
      during_traffic += sending ? 1 : 0;
      timeouts.push_back(clock::now());
    }
  };
  wait_through(poller, ms(1200), on_record);
  peer.join();
  CHECK(during_traffic == 0);
  // Quiet from here on: one timeout, then none for four more idle periods.
  wait_through(poller, ms(1500), on_record);
  REQUIRE(timeouts.size() == 1);
  CHECK(timeouts[0] >= last_moved + idle);
  // A recv that moves data starts the next idle period.
  send_all(pair.client, "y");
  wait_until_available(pair.server, 1);
  REQUIRE_FALSE(drain(pair.server).empty());
  const auto moved = clock::now();
  const returned_record got = first_for(poller, &pair.server, idle + expect_window, event::timeout);
  REQUIRE(got.found);
  CHECK(got.record.has(event::timeout));
  CHECK(got.at >= moved + idle);
}

TEST_CASE("Each send or accept that moves data restarts the idle period",
          "[conformance][deadline]") {
  evsel::poller poller;
  tcp_pair pair = make_tcp_pair();
  evsel::socket listener = make_listener();
  std::vector<evsel::socket> connections;
  evsel::socket* watched = nullptr;
  std::function<void()> move_data;
  SECTION("send") {
    watched = &pair.server;
    REQUIRE_FALSE(poller.add(pair.server, event::read, watched));
    move_data = [&] { send_all(pair.server, "x"); };
  }
  SECTION("accept") {
    watched = &listener;
    REQUIRE_FALSE(poller.add(listener, event::accept, watched));
    move_data = [&] {
      connections.push_back(start_connect(listener));
      connections.push_back(accept_one(listener));
    };
  }
  const ms idle(300);
  REQUIRE_FALSE(poller.set_idle_timeout(*watched, idle));
  std::size_t timeouts = 0;
  const auto on_record = [&](const evsel::ready_record& r) {
    timeouts += r.has(event::timeout) ? 1 : 0;
  };
  clock::time_point last_moved = clock::now();
  for (int i = 0; i < 16; ++i) {  // 800 ms of activity every 50 ms
    wait_through(poller, ms(50), on_record);
    move_data();
    last_moved = clock::now();
  }
  CHECK(timeouts == 0);
  const returned_record got = first_for(poller, watched, idle + expect_window, event::timeout);
  REQUIRE(got.found);
  CHECK(got.record.has(event::timeout));
  CHECK(got.at >= last_moved + idle);
}

TEST_CASE("An idle timeout of zero turns it off and takes back a pending record",
          "[conformance][deadline]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  REQUIRE_FALSE(poller.set_idle_timeout(pair.server, ms(50)));
  std::this_thread::sleep_for(ms(200));  // passed, nobody waiting
  REQUIRE_FALSE(poller.set_idle_timeout(pair.server, ms(0)));
  CHECK(collect(poller, ms(600)).empty());
}

TEST_CASE("remove ends the deadline and the idle timeout", "[conformance][deadline]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(pair.server, event::none, &pair.server));
  SECTION("both pending") {
    REQUIRE_FALSE(poller.set_deadline(pair.server, clock::now() + ms(20)));
    REQUIRE_FALSE(poller.set_idle_timeout(pair.server, ms(50)));
    std::this_thread::sleep_for(ms(200));
  }
  SECTION("both still to come") {
    REQUIRE_FALSE(poller.set_deadline(pair.server, clock::now() + ms(300)));
    REQUIRE_FALSE(poller.set_idle_timeout(pair.server, ms(300)));
  }
  REQUIRE_FALSE(poller.remove(pair.server));
  CHECK(collect(poller, quiet_window).empty());
  // Registered again, the socket has neither.
  REQUIRE_FALSE(poller.add(pair.server, event::none, &pair.server));
  CHECK(collect(poller, ms(600)).empty());
}

// Sockets that moved data wait, between two waits, for their move to be dated (T8); one
// removed or closed meanwhile must leave the others' idle timeouts whole.
TEST_CASE(
    "Removing and closing sockets whose moves are not yet dated leaves the others' idle timeouts",
    "[conformance][deadline]") {
  tcp_pair pairs[4] = {make_tcp_pair(), make_tcp_pair(), make_tcp_pair(), make_tcp_pair()};
  evsel::poller poller;
  for (tcp_pair& p : pairs) {
    REQUIRE_FALSE(poller.add(p.server, event::read, &p.server));
    REQUIRE_FALSE(poller.set_idle_timeout(p.server, ms(300)));
  }
  for (tcp_pair& p : pairs) send_all(p.client, "x");
  std::this_thread::sleep_for(settle_window);
  char byte = 0;
  std::error_code ec;
  // All four move data with no wait in between, then the first and the third leave.
  for (tcp_pair& p : pairs) CHECK(p.server.recv(&byte, 1, ec) == 1);
  REQUIRE_FALSE(poller.remove(pairs[0].server));
  REQUIRE_FALSE(pairs[2].server.close());
  // Their period runs from the recv: nothing in the first 200 ms of 300, then one each.
  CHECK(collect(poller, ms(200)).empty());
  const std::vector<evsel::ready_record> seen = collect(poller, ms(800));
  for (const int left : {1, 3}) {
    INFO("socket " << left);
    CHECK(count_for(seen, &pairs[left].server, event::timeout) == 1);
  }
  CHECK(count_for(seen, &pairs[0].server) == 0);
  CHECK(count_for(seen, &pairs[2].server) == 0);
}

TEST_CASE("Deadline and idle timeout misuse: not registered, negative, closed",
          "[conformance][deadline][errors]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  evsel::poller other;
  const auto soon = clock::now() + ms(100);
  for (int registered_elsewhere = 0; registered_elsewhere < 2; ++registered_elsewhere) {
    INFO("registered with another poller: " << registered_elsewhere);
    if (registered_elsewhere) REQUIRE_FALSE(other.add(pair.server, event::read));
    CHECK(poller.set_deadline(pair.server, soon) == errc::not_registered);
    CHECK(poller.clear_deadline(pair.server) == errc::not_registered);
    CHECK(poller.set_idle_timeout(pair.server, ms(100)) == errc::not_registered);
  }
  REQUIRE_FALSE(other.remove(pair.server));
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  CHECK(poller.set_idle_timeout(pair.server, ms(-1)) == errc::invalid_argument);
  CHECK(collect(poller, quiet_window).empty());  // the refused call set nothing

  REQUIRE_FALSE(poller.add(pair.client, event::read, &pair.client));
  REQUIRE_FALSE(pair.client.close());
  evsel::socket empty;
  for (evsel::socket* s : {&pair.client, &empty}) {
    CHECK(poller.set_deadline(*s, soon) == errc::not_a_socket);
    CHECK(poller.clear_deadline(*s) == errc::not_a_socket);
    CHECK(poller.set_idle_timeout(*s, ms(100)) == errc::not_a_socket);
  }
}

// The caller-side connect timeout: a listener whose queue is full drops new SYNs (on Linux,
// and under Wine, whose sockets are Linux's; Windows answers with resets after some retries,
// so there the connect fails later with connection_refused), and the deadline is what ends
// the application's wait.
TEST_CASE("A deadline ends the wait for a connect stuck behind a full listen queue",
          "[conformance][deadline][faults]") {
  std::error_code ec;
  evsel::socket listener =
      evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp, ec);
  REQUIRE_FALSE(ec);
  REQUIRE_FALSE(listener.bind(evsel::endpoint::loopback(evsel::address_family::ipv4, 0)));
  REQUIRE_FALSE(listener.listen(1));
  evsel::poller poller;
  constexpr std::size_t attempts = 32;
  std::vector<evsel::socket> clients;
  clients.reserve(attempts);  // no moves: each stays where add saw it
  std::size_t pending = attempts;
  for (std::size_t i = 0; i < attempts && pending == attempts; ++i) {
    clients.push_back(start_connect(listener));
    REQUIRE_FALSE(poller.add(clients.back(), event::connect, index_context(i)));
    // Connected (queued) or refused within 500 ms: not the one; silent: stuck.
    if (!first_for(poller, index_context(i), ms(500)).found) pending = i;
  }
  if (pending == attempts) FAIL("none of " << attempts << " connects stayed pending");
  INFO("connect " << pending << " stayed pending");
  const auto when = clock::now() + ms(300);
  REQUIRE_FALSE(poller.set_deadline(clients[pending], when));
  const returned_record got =
      first_for(poller, index_context(pending), ms(300) + expect_window, event::timeout);
  REQUIRE(got.found);
  INFO("record: " << got.record.occurred
                  << ", connect error: " << got.record.error(event::connect).message());
  CHECK(got.record.has(event::timeout));
  CHECK((got.record.occurred | event::connect) == (event::timeout | event::connect));
  CHECK(got.at >= when);
  CHECK(got.at <= when + std::chrono::seconds(3));
  CHECK(count_for(collect(poller, quiet_window), index_context(pending), event::timeout) == 0);
}

// Run by netns_faults.sh inside a network namespace of its own, where 127.0.0.3:9 drops every
// SYN and the kernel gives a connect up after one retry, about 3 s (C58); hidden otherwise.
TEST_CASE("In a namespace: a deadline on a connect whose SYNs are dropped comes before it fails",
          "[.netns]") {
  evsel::socket s = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(s, evsel::all_events, &s));
  REQUIRE_FALSE(s.connect(evsel::endpoint::parse("127.0.0.3:9")));
  const auto when = clock::now() + ms(500);
  REQUIRE_FALSE(poller.set_deadline(s, when));
  std::vector<returned_record> seen;  // each with the time its wait came back
  wait_through(poller, ms(6000), [&](const evsel::ready_record& r) {
    seen.push_back({true, r, clock::now()});
  });
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].record.occurred == event::timeout);
  CHECK(seen[0].at >= when);
  CHECK(seen[0].at <= when + ms(1500));
  // The deadline does not end the attempt: C58's failure still comes, once.
  CHECK(seen[1].record.occurred == event::connect);
  CHECK(seen[1].record.error(event::connect) == errc::timed_out);
}
