// SPDX-License-Identifier: MIT
// evsel: TCP keep-alive: the options and their limits, and a vanished peer found by the probes
// (docs/semantics.md, rule 5).
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::errc;
using evsel::event;
using std::chrono::seconds;

namespace {

evsel::socket open_tcp() {
  return evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
}

struct keep_alive_arguments {
  seconds idle;
  seconds interval;
  unsigned probes;
};

// Each just outside the documented limits (1 to 32767 s, 1 to 127 probes), or far outside.
// Some of them Linux would refuse only after the values before them were set.
const keep_alive_arguments out_of_range[] = {
    {seconds(0), seconds(1), 1},     {seconds(-1), seconds(1), 1}, {seconds(32768), seconds(1), 1},
    {seconds::max(), seconds(1), 1}, {seconds(1), seconds(0), 1},  {seconds(1), seconds(32768), 1},
    {seconds(1), seconds::min(), 1}, {seconds(1), seconds(1), 0},  {seconds(1), seconds(1), 128},
    {seconds(1), seconds(1), 256},
};

void check_all_rejected(evsel::socket& s) {
  for (const keep_alive_arguments& bad : out_of_range) {
    INFO("idle " << bad.idle.count() << " s, interval " << bad.interval.count() << " s, "
                 << bad.probes << " probes");
    CHECK(s.set_keep_alive(bad.idle, bad.interval, bad.probes) == errc::invalid_argument);
  }
}

// The timing read back, where the OS reports it; says so once where it does not.
void check_timing(const evsel::socket& s, const keep_alive_timing& expected) {
  const std::optional<keep_alive_timing> got = read_keep_alive_timing(s);
  if (!got) {
    WARN("this OS does not report keep-alive timing; only SO_KEEPALIVE is checked");
    return;
  }
  CHECK(got->idle_seconds == expected.idle_seconds);
  CHECK(got->interval_seconds == expected.interval_seconds);
  CHECK(got->probes == expected.probes);
}

// netns_faults.sh drops every packet to and from 127.0.0.4 once a connection's handshake is
// done: a peer that vanished without a word.
evsel::socket vanishing_listener() {
  evsel::socket listener = open_tcp();
  REQUIRE_FALSE(listener.bind(evsel::endpoint::parse("127.0.0.4:0")));
  REQUIRE_FALSE(listener.listen());
  return listener;
}

constexpr seconds probe_idle{1};
constexpr seconds probe_interval{1};
constexpr unsigned probe_count = 2;
// Linux gives up idle + interval * probes after the last traffic: 3 s.
constexpr ms probe_deadline = probe_idle + probe_interval * probe_count;
constexpr ms probe_slack = 3s;

}  // namespace

TEST_CASE("Keep-alive is off on a new TCP socket and set_keep_alive switches it",
          "[conformance][options][keep-alive]") {
  std::error_code ec;
  evsel::socket s = open_tcp();
  CHECK_FALSE(s.keep_alive(ec));
  CHECK_FALSE(ec);
  REQUIRE_FALSE(s.set_keep_alive(true));
  CHECK(s.keep_alive(ec));
  CHECK_FALSE(ec);
  REQUIRE_FALSE(s.set_keep_alive(false));
  CHECK_FALSE(s.keep_alive(ec));
  CHECK_FALSE(ec);

  tcp_pair pair = make_tcp_pair();
  REQUIRE_FALSE(pair.server.set_keep_alive(true));
  CHECK(pair.server.keep_alive(ec));
  CHECK_FALSE(pair.client.keep_alive(ec));  // one end's option, not the connection's
  CHECK_FALSE(ec);
}

TEST_CASE("set_keep_alive with a timing switches keep-alive on and the OS reports the timing",
          "[conformance][options][keep-alive]") {
  std::error_code ec;
  tcp_pair pair = make_tcp_pair();
  REQUIRE_FALSE(pair.client.set_keep_alive(seconds(7), seconds(3), 4));
  CHECK(pair.client.keep_alive(ec));
  CHECK_FALSE(ec);
  check_timing(pair.client, {7, 3, 4});

  // The limits themselves are taken.
  REQUIRE_FALSE(pair.client.set_keep_alive(seconds(32767), seconds(1), 127));
  check_timing(pair.client, {32767, 1, 127});
  REQUIRE_FALSE(pair.client.set_keep_alive(seconds(1), seconds(32767), 1));
  check_timing(pair.client, {1, 32767, 1});

  // Off and on again keeps the timing given before.
  REQUIRE_FALSE(pair.client.set_keep_alive(false));
  CHECK_FALSE(pair.client.keep_alive(ec));
  REQUIRE_FALSE(pair.client.set_keep_alive(true));
  CHECK(pair.client.keep_alive(ec));
  check_timing(pair.client, {1, 32767, 1});

  // Before connecting too: the timing stays with the socket.
  evsel::socket listener = make_listener();
  evsel::socket early = open_tcp();
  REQUIRE_FALSE(early.set_keep_alive(seconds(20), seconds(5), 6));
  REQUIRE_FALSE(early.connect(endpoint_of(listener)));
  REQUIRE(wait_alone(early, event::connect).has(event::connect));
  evsel::socket accepted = accept_one(listener);
  CHECK(early.keep_alive(ec));
  check_timing(early, {20, 5, 6});
}

TEST_CASE("Keep-alive timing out of range fails with invalid_argument and changes nothing",
          "[conformance][options][keep-alive]") {
  std::error_code ec;
  evsel::socket s = open_tcp();
  check_all_rejected(s);
  CHECK_FALSE(s.keep_alive(ec));  // still off
  CHECK_FALSE(ec);

  REQUIRE_FALSE(s.set_keep_alive(seconds(5), seconds(2), 3));
  check_all_rejected(s);
  CHECK(s.keep_alive(ec));  // still on, with the timing before
  check_timing(s, {5, 2, 3});
}

TEST_CASE("Keep-alive is for TCP: UDP sockets get operation_not_supported, empty ones not_a_socket",
          "[conformance][options][keep-alive]") {
  std::error_code ec;
  evsel::socket udp = make_udp();
  CHECK(udp.set_keep_alive(true) == errc::operation_not_supported);
  CHECK(udp.set_keep_alive(seconds(1), seconds(1), 1) == errc::operation_not_supported);
  CHECK(udp.set_keep_alive(seconds(0), seconds(1), 1) == errc::operation_not_supported);
  CHECK_FALSE(udp.keep_alive(ec));
  CHECK(ec == errc::operation_not_supported);

  evsel::socket empty;
  CHECK(empty.set_keep_alive(true) == errc::not_a_socket);
  CHECK(empty.set_keep_alive(seconds(1), seconds(1), 1) == errc::not_a_socket);
  CHECK_FALSE(empty.keep_alive(ec));
  CHECK(ec == errc::not_a_socket);

  evsel::socket closed = open_tcp();
  REQUIRE_FALSE(closed.close());
  CHECK(closed.set_keep_alive(false) == errc::not_a_socket);
  CHECK_FALSE(closed.keep_alive(ec));
  CHECK(ec == errc::not_a_socket);
}

// Run by netns_faults.sh inside a network namespace of their own (hidden otherwise).
TEST_CASE("In a namespace: keep-alive finds a vanished peer: close, recv and send say timed_out",
          "[.netns]") {
  evsel::socket listener = vanishing_listener();
  evsel::socket client = open_tcp();
  REQUIRE_FALSE(client.set_keep_alive(probe_idle, probe_interval, probe_count));
  evsel::poller poller;
  REQUIRE_FALSE(poller.add(client, evsel::all_events, &client));
  const auto started = std::chrono::steady_clock::now();
  REQUIRE_FALSE(client.connect(endpoint_of(listener)));
  evsel::socket accepted = accept_one(listener);

  std::vector<evsel::ready_record> seen;
  std::optional<ms> closed_after;
  const ms window = probe_deadline + probe_slack;
  const double cpu = wait_through(poller, window, [&](const evsel::ready_record& r) {
    seen.push_back(r);
    if (r.has(event::close) && !closed_after) {
      closed_after = std::chrono::duration_cast<ms>(std::chrono::steady_clock::now() - started);
    }
  });
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].occurred == (event::connect | event::write));
  CHECK(seen[1].occurred == event::close);
  const std::error_code failure = seen[1].error(event::close);
  INFO("close error: " << failure.message() << " (" << failure.value() << ")");
  CHECK(failure == errc::timed_out);
  REQUIRE(closed_after);
  // Not before the last probe went unanswered: 2.5 s tells two probes from one.
  CHECK(closed_after->count() >= (probe_deadline - ms(500)).count());
  CHECK(closed_after->count() <= window.count());
  INFO("CPU over " << window.count() << " ms: " << cpu << " s");
  CHECK(cpu < idle_cpu_share * std::chrono::duration<double>(window).count());

  std::error_code ec;
  char byte = 'x';
  CHECK(client.recv(&byte, 1, ec) == 0);
  CHECK(ec == errc::timed_out);
  CHECK(client.recv(&byte, 1, ec) == 0);  // again: Linux itself says end of stream by now
  CHECK(ec == errc::timed_out);
  CHECK(client.send(&byte, 1, ec) == 0);
  CHECK(ec == errc::timed_out);
}

TEST_CASE("In a namespace: unregistered, recv learns of a keep-alive failure and add reports close",
          "[.netns]") {
  evsel::socket listener = vanishing_listener();
  evsel::socket client = open_tcp();
  REQUIRE_FALSE(client.set_keep_alive(probe_idle, probe_interval, probe_count));
  const auto started = std::chrono::steady_clock::now();
  REQUIRE_FALSE(client.connect(endpoint_of(listener)));
  REQUIRE(wait_alone(client, event::connect).has(event::connect));
  evsel::socket accepted = accept_one(listener);

  // Nothing is registered: recv is the only way to learn, so ask it every 50 ms.
  std::error_code ec;
  char byte = 'x';
  const auto deadline = started + probe_deadline + probe_slack;
  do {
    client.recv(&byte, 1, ec);
    if (ec != errc::would_block) break;
    std::this_thread::sleep_for(ms(50));
  } while (std::chrono::steady_clock::now() < deadline);
  INFO("recv: " << ec.message() << " (" << ec.value() << ")");
  CHECK(ec == errc::timed_out);
  CHECK(client.recv(&byte, 1, ec) == 0);
  CHECK(ec == errc::timed_out);
  CHECK(client.send(&byte, 1, ec) == 0);
  CHECK(ec == errc::timed_out);

  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(client, event::read | event::close, &client));
  const evsel::network_events got = log.next(&client);
  CHECK(got.occurred == event::close);
  CHECK(got.error(event::close) == errc::timed_out);
  CHECK(log.quiet(&client).occurred == event::none);
}
