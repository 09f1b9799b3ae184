// SPDX-License-Identifier: MIT
// evsel: faults on live connections (resets, half-closes, black holes, wake storms): the
// right event once, the right error, nothing lost, and no busy loop over the fault window.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::event;

namespace {

constexpr ms fault_window = 1s;

struct reset_while_writing {
  int closes = 0;
  std::error_code close_error;
  double cpu = 0;
  std::error_code send_error;
};

// The server side streams into a peer that never reads, then the peer resets.
reset_while_writing run_reset_while_writing() {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(pair.server, event::read | event::write | event::close, &pair));
  REQUIRE(fill_until_blocked(pair.server) > 0);
  abort_connection(pair.client);
  reset_while_writing seen;
  auto on_record = [&](const evsel::ready_record& r) {
    if (r.has(event::close)) {
      ++seen.closes;
      seen.close_error = r.error(event::close);
    }
  };
  // The close first (a slow machine may take a while), then the fault window proper: the
  // connection is dead, and nothing may come or spin.
  event_log log(poller);
  const evsel::network_events first = log.next(&pair, expect_window);
  if (first.has(event::close)) {
    ++seen.closes;
    seen.close_error = first.error(event::close);
  }
  seen.cpu = wait_through(poller, fault_window, on_record);
  char byte = 'y';
  std::error_code ec;
  pair.server.send(&byte, 1, ec);
  seen.send_error = ec;
  return seen;
}

}  // namespace

TEST_CASE("A reset while we write: close once, then sends fail, and no busy loop",
          "[conformance][faults][reset]") {
  const int descriptors = open_descriptor_count();
  const reset_while_writing seen = run_reset_while_writing();
  CHECK(open_descriptor_count() == descriptors);  // nothing left open (-1 on Windows)
  INFO("CPU over the fault window: " << seen.cpu << " s");
  CHECK(seen.closes == 1);
  CHECK(seen.cpu < idle_cpu_share * 1.0);
  CHECK(seen.send_error == evsel::errc::connection_reset);
}

TEST_CASE("A reset while we write: the close carries connection_reset",
          "[conformance][faults][reset][W2]") {
  // Wine 8.0 reports a reset as a graceful close (W2), as in C39.
  const reset_while_writing seen = run_reset_while_writing();
  CHECK(seen.closes == 1);
  CHECK(seen.close_error == evsel::errc::connection_reset);
}

TEST_CASE("Half-closes both ways: every byte arrives, close once each side, no busy loop",
          "[conformance][faults][half-close]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  const event all = event::read | event::write | event::close;
  REQUIRE_FALSE(poller.add(pair.server, all, &pair.server));
  REQUIRE_FALSE(poller.add(pair.client, all, &pair.client));
  const std::string request(300000, 'q');
  const std::string reply(200000, 'r');
  std::string got_request, got_reply;
  int server_closes = 0, client_closes = 0;
  std::size_t request_sent = 0, reply_sent = 0;
  bool client_shut = false, server_shut = false;

  // Sends what it can of `data` from `sent` on; shuts the sending side down at the end.
  auto pump = [](evsel::socket& s, const std::string& data, std::size_t& sent, bool& shut) {
    while (sent < data.size()) {
      std::error_code ec;
      sent += s.send(data.data() + sent, data.size() - sent, ec);
      if (ec == evsel::errc::would_block) return;
      REQUIRE_FALSE(ec);
    }
    if (!shut) {
      REQUIRE_FALSE(s.shutdown(evsel::shutdown_mode::send));
      shut = true;
    }
  };
  auto drain_into = [](evsel::socket& s, std::string& into) {
    char buffer[65536];
    for (;;) {
      std::error_code ec;
      const std::size_t n = s.recv(buffer, sizeof buffer, ec);
      if (ec == evsel::errc::would_block || n == 0) return;
      REQUIRE_FALSE(ec);
      into.append(buffer, n);
    }
  };
  pump(pair.client, request, request_sent, client_shut);
  // The exchange, then a quiet second with both directions shut: nothing may spin.
  const double cpu = wait_through(poller, 3s, [&](const evsel::ready_record& r) {
    const bool server = r.context == &pair.server;
    evsel::socket& s = server ? pair.server : pair.client;
    if (r.has(event::read)) drain_into(s, server ? got_request : got_reply);
    if (r.has(event::write)) {
      if (server) {
        if (got_request.size() == request.size()) pump(s, reply, reply_sent, server_shut);
      } else {
        pump(s, request, request_sent, client_shut);
      }
    }
    if (r.has(event::close)) {
      CHECK_FALSE(r.error(event::close));
      drain_into(s, server ? got_request : got_reply);
      ++(server ? server_closes : client_closes);
      // The request is complete: answer it now (write came long ago).
      if (server) pump(s, reply, reply_sent, server_shut);
    }
  });
  CHECK(got_request == request);
  CHECK(got_reply == reply);
  CHECK(server_closes == 1);
  CHECK(client_closes == 1);
  INFO("CPU over 3 s with both sides half-closed for most of it: " << cpu << " s");
  CHECK(cpu < idle_cpu_share * 3.0);
}

TEST_CASE("A connect into a black hole reports nothing until the caller gives up",
          "[conformance][faults][connect]") {
  // A listener whose queue is full drops new SYNs: the connect stays in progress, as one
  // to a black-holed address does (no ICMP, no reset).
  std::error_code ec;
  evsel::socket listener =
      evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp, ec);
  REQUIRE_FALSE(ec);
  REQUIRE_FALSE(listener.bind(evsel::endpoint::loopback(evsel::address_family::ipv4, 0)));
  REQUIRE_FALSE(listener.listen(1));
  std::vector<evsel::socket> queued;
  for (int i = 0; i < 8; ++i) queued.push_back(start_connect(listener));
  evsel::socket lost = start_connect(listener);
  evsel::poller poller;
  REQUIRE_FALSE(
      poller.add(lost, event::connect | event::write | event::read | event::close, &lost));
  int reports = 0;
  std::string reported;
  const auto note = [&](const evsel::ready_record& r) {
    ++reports;
    reported += " " + to_string(r.occurred) + " (connect " + r.error(event::connect).message() +
                ", close " + r.error(event::close).message() + ")";
  };
  const double cpu = wait_through(poller, fault_window, note);
  INFO("CPU over the connect timeout: " << cpu << " s; reported:" << reported);
  CHECK(cpu < idle_cpu_share * 1.0);
  CHECK(reports == 0);
  // The application's connect timeout: closing the socket ends the attempt; no late event
  // comes, and the poller is idle.
  REQUIRE_FALSE(lost.close());
  CHECK(poller.size() == 0);
  const double after = wait_through(poller, 300ms, note);
  CHECK(reports == 0);
  CHECK(after < idle_cpu_share * 0.3 + 0.05);
}

TEST_CASE("A wake storm from four threads: waits end, wakes coalesce, nothing is left over",
          "[conformance][faults][wake]") {
  evsel::poller poller;
  tcp_pair pair = make_tcp_pair();
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair));
  std::atomic<bool> stop{false};
  std::atomic<long> wakes{0};
  std::vector<std::thread> wakers;
  for (int t = 0; t < 4; ++t) {
    wakers.emplace_back([&] {
      for (int i = 0; i < 100000 && !stop.load(); ++i) {
        poller.wake();
        wakes.fetch_add(1);
      }
    });
  }
  // Traffic during the storm is still reported, and every byte arrives.
  send_all(pair.client, "ping");
  std::string got;
  long woken = 0;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  evsel::ready_record records[4];
  while ((got.size() < 4 || wakes.load() < 400000) && std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    const std::size_t n = poller.wait(records, 4, 1s, ec);
    REQUIRE_FALSE(ec);
    if (n == 0) ++woken;
    for (std::size_t i = 0; i < n; ++i) got += recv_exact(pair.server, 4);
  }
  stop = true;
  for (std::thread& t : wakers) t.join();
  CHECK(got == "ping");
  CHECK(wakes.load() == 400000);
  INFO("waits ended by wakes: " << woken);
  CHECK(woken <= wakes.load());
  // Coalesced: after the storm at most one wake is left pending, then a wait runs to its
  // timeout (400,000 wakes counted one by one would end the next 400,000 waits at once).
  std::error_code ec;
  poller.wait(records, 4, 0ms, ec);
  const auto started = std::chrono::steady_clock::now();
  CHECK(poller.wait(records, 4, 200ms, ec) == 0);
  CHECK_FALSE(ec);
  CHECK(std::chrono::steady_clock::now() - started >= 190ms);
}

// Run by netns_faults.sh inside a network namespace of their own (hidden otherwise).
TEST_CASE("In a namespace: a connect answered by ICMP host unreachable fails with it", "[.netns]") {
  evsel::socket s = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(s, evsel::all_events, &s));
  const std::error_code started = s.connect(evsel::endpoint::parse("127.0.0.2:9"));
  INFO("connect: " << started.message());
  CHECK_FALSE(started);
  const evsel::network_events got = log.next(&s, connect_refused_window);
  CHECK(got.occurred == event::connect);
  CHECK(got.error(event::connect) == evsel::errc::host_unreachable);
  CHECK(log.quiet(&s).occurred == event::none);
}

TEST_CASE("In a namespace: a connect whose SYNs are dropped fails with timed_out", "[.netns]") {
  // One SYN retry: the kernel gives up after about 3 s.
  evsel::socket s = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(s, evsel::all_events, &s));
  REQUIRE_FALSE(s.connect(evsel::endpoint::parse("127.0.0.3:9")));
  std::vector<evsel::ready_record> seen;
  const double cpu =
      wait_through(poller, 6s, [&](const evsel::ready_record& r) { seen.push_back(r); });
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].occurred == event::connect);
  CHECK(seen[0].error(event::connect) == evsel::errc::timed_out);
  INFO("CPU over 6 s with a connect pending, then failed: " << cpu << " s");
  CHECK(cpu < idle_cpu_share * 6.0);
}
