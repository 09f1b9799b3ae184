// SPDX-License-Identifier: MIT
// evsel: the read event: level re-posting by recv, peek, failed calls (section 4.E).
#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::event;

TEST_CASE("read comes again after each recv that leaves data, never on re-selection",
          "[conformance][read][C29]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  const event mask = event::accept | event::close | event::connect | event::oob | event::read;
  REQUIRE_FALSE(poller.add(pair.server, mask, &pair.server));
  CHECK(log.quiet(&pair.server).occurred == event::none);
  send_all(pair.client, "12345");
  CHECK(log.next(&pair.server).occurred == event::read);
  CHECK(log.quiet(&pair.server).occurred == event::none);
  REQUIRE_FALSE(poller.modify(pair.server, mask));
  CHECK(log.quiet(&pair.server).occurred == event::none);
  REQUIRE_FALSE(poller.modify(pair.server, event::none));
  REQUIRE_FALSE(poller.modify(pair.server, mask));
  CHECK(log.quiet(&pair.server).occurred == event::none);

  // More data before any recv: nothing new until the re-enabling recv (Windows' re-record
  // on new arrival after re-selection is normalized away, docs/semantics.md).
  send_all(pair.client, "67890");
  CHECK(log.quiet(&pair.server).occurred == event::none);

  char buffer[16];
  std::error_code ec;
  CHECK(pair.server.recv(buffer, 2, ec) == 2);
  REQUIRE_FALSE(ec);
  CHECK(log.next(&pair.server).occurred == event::read);

  // A call that fails its argument checks re-enables nothing (WSAEFAULT, C29 step 7).
  CHECK(pair.server.recv(nullptr, 4, ec) == 0);
  CHECK(ec == evsel::errc::invalid_argument);
  CHECK(log.quiet(&pair.server).occurred == event::none);

  for (int left = 8; left > 0; --left) {
    CHECK(pair.server.recv(buffer, 1, ec) == 1);
    REQUIRE_FALSE(ec);
    if (left > 1) {
      CHECK(log.next(&pair.server).occurred == event::read);
    } else {
      CHECK(log.quiet(&pair.server).occurred == event::none);
    }
  }
}

TEST_CASE("A peek re-enables read: available() does not", "[conformance][read][C30]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  send_all(pair.client, "sixsix");
  CHECK(log.next(&pair.server).occurred == event::read);
  char buffer[16];
  std::error_code ec;
  CHECK(pair.server.recv(buffer, sizeof buffer, ec, evsel::message_flags::peek) == 6);
  CHECK(log.next(&pair.server).occurred == event::read);
  CHECK(pair.server.available(ec) == 6);
  REQUIRE_FALSE(ec);
  CHECK(log.quiet(&pair.server).occurred == event::none);
  CHECK(pair.server.recv(buffer, sizeof buffer, ec) == 6);
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

TEST_CASE("A second arrival before the recv adds nothing: the recv takes both",
          "[conformance][read][C57]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::read | event::close, &pair.server));
  send_all(pair.client, "abc");
  CHECK(log.next(&pair.server).occurred == event::read);
  send_all(pair.client, "def");
  CHECK(log.quiet(&pair.server).occurred == event::none);
  CHECK(recv_exact(pair.server, 6) == "abcdef");
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

TEST_CASE("read is never reported for the end of the stream", "[conformance][read][C32]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::read, &pair.server));
  REQUIRE_FALSE(pair.client.shutdown(evsel::shutdown_mode::send));
  CHECK(log.quiet(&pair.server).occurred == event::none);
  REQUIRE_FALSE(poller.modify(pair.server, event::read | event::close));
  CHECK(log.next(&pair.server).occurred == event::close);
}

// poller.hpp: conditions that already hold are recorded at once, and a zero wait just looks.
// Under Wine the native backend's first zero wait used to come back empty (the kernel's
// report reaches it through a thread-pool wait, later). Several rounds: it was a race.
TEST_CASE("A zero wait right after add or after a recv or peek that leaves data returns read",
          "[conformance][read][C29][C30]") {
  for (int round = 0; round < 10; ++round) {
    tcp_pair pair = make_tcp_pair();
    send_all(pair.client, "0123456789");
    wait_until_available(pair.server, 10);
    evsel::poller poller;
    event_log log(poller);
    REQUIRE_FALSE(poller.add(pair.server, event::read | event::close, &pair.server));
    CHECK(look_once(poller, &pair.server).occurred == event::read);
    char buffer[4];
    std::error_code ec;
    CHECK(pair.server.recv(buffer, sizeof buffer, ec) == 4);  // leaves 6
    REQUIRE_FALSE(ec);
    CHECK(look_once(poller, &pair.server).occurred == event::read);
    CHECK(pair.server.recv(buffer, 1, ec, evsel::message_flags::peek) == 1);
    CHECK(look_once(poller, &pair.server).occurred == event::read);
    CHECK(pair.server.recv(buffer, 2, ec) == 2);  // leaves 4
    CHECK(look_once(poller, &pair.server).occurred == event::read);
    CHECK(recv_exact(pair.server, 4) == "6789");
    CHECK(log.quiet(&pair.server, ms(50)).occurred == event::none);
  }
}
