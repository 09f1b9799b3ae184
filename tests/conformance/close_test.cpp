// SPDX-License-Identifier: MIT
// evsel: the close event and shutdown (section 4.F, rule 5).
#include <cstdlib>
#include <string>
#include <thread>

#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::errc;
using evsel::event;

namespace {

// Waits (bounded) until a peek sees the end of the stream, without selecting anything.
void wait_for_end_of_stream(evsel::socket& s) {
  const auto deadline = std::chrono::steady_clock::now() + expect_window;
  char byte = 0;
  std::error_code ec;
  while (s.recv(&byte, 1, ec, evsel::message_flags::peek) != 0 || ec) {
    REQUIRE((ec == errc::would_block && std::chrono::steady_clock::now() < deadline));
    std::this_thread::sleep_for(ms(5));
  }
}

const event close_mask = event::accept | event::close | event::connect | event::oob | event::read;
}  // namespace

TEST_CASE("A graceful close by the peer is reported once, without error",
          "[conformance][close][C32]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, close_mask, &pair.server));
  REQUIRE_FALSE(pair.client.close());
  const evsel::network_events got = log.next(&pair.server);
  CHECK(got.occurred == event::close);
  CHECK_FALSE(got.error(event::close));
  CHECK(log.quiet(&pair.server).occurred == event::none);
  REQUIRE_FALSE(poller.modify(pair.server, close_mask));
  CHECK(log.quiet(&pair.server).occurred == event::none);
  char byte = 0;
  std::error_code ec;
  CHECK(pair.server.recv(&byte, 1, ec) == 0);
  CHECK_FALSE(ec);
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

TEST_CASE("The peer's shutdown(send) is the close: its later close adds nothing",
          "[conformance][close][C33]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, close_mask, &pair.server));
  REQUIRE_FALSE(pair.client.shutdown(evsel::shutdown_mode::send));
  CHECK(log.next(&pair.server).occurred == event::close);
  REQUIRE_FALSE(pair.client.close());
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

TEST_CASE("Receive shutdowns are silent: the peer's later close is still reported",
          "[conformance][close][C34]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, close_mask, &pair.server));
  REQUIRE_FALSE(pair.client.shutdown(evsel::shutdown_mode::receive));
  REQUIRE_FALSE(pair.server.shutdown(evsel::shutdown_mode::both));
  CHECK(log.quiet(&pair.server).occurred == event::none);
  char byte = 0;
  std::error_code ec;
  pair.server.recv(&byte, 1, ec);
  CHECK(ec == errc::shut_down);
  pair.server.send(&byte, 1, ec);
  CHECK(ec == errc::shut_down);
  REQUIRE_FALSE(pair.client.shutdown(evsel::shutdown_mode::send));
  CHECK(log.next(&pair.server).occurred == event::close);
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

TEST_CASE("Data after shutdown(receive) is discarded without events", "[conformance][close][C34]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::read | event::close, &pair.server));
  REQUIRE_FALSE(pair.server.shutdown(evsel::shutdown_mode::receive));
  send_all(pair.client, "dropped");
  CHECK(log.quiet(&pair.server).occurred == event::none);
  REQUIRE_FALSE(pair.client.close());
  CHECK(log.next(&pair.server).occurred == event::close);
}

// Nothing can be read after shutdown(receive), so a read recorded before it and not yet
// returned is taken back, as a recv that drains the data would (C19); close still comes.
TEST_CASE("shutdown(receive) takes back a read recorded but not yet returned",
          "[conformance][close][C34]") {
  tcp_pair pair = make_tcp_pair();
  send_all(pair.client, "queued");
  wait_until_available(pair.server, 6);
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::read | event::close, &pair.server));
  REQUIRE_FALSE(pair.server.shutdown(evsel::shutdown_mode::receive));
  CHECK(log.quiet(&pair.server).occurred == event::none);
  REQUIRE_FALSE(pair.client.close());
  CHECK(log.next(&pair.server).occurred == event::close);
}

TEST_CASE("A local shutdown(send) is silent: the peer may still send, then close",
          "[conformance][close][C35]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.client, event::read | event::close, &pair.client));
  REQUIRE_FALSE(poller.add(pair.server, event::read | event::close, &pair.server));
  REQUIRE_FALSE(pair.client.shutdown(evsel::shutdown_mode::send));
  CHECK(log.quiet(&pair.client).occurred == event::none);
  CHECK(log.next(&pair.server).occurred == event::close);
  send_all(pair.server, "four");
  CHECK(log.next(&pair.client).occurred == event::read);
  CHECK(recv_exact(pair.client, 4) == "four");
  REQUIRE_FALSE(pair.server.close());
  CHECK(log.next(&pair.client).occurred == event::close);
}

TEST_CASE("Close comes only once unread data is read: read keeps coming until then",
          "[conformance][close][C36]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, close_mask, &pair.server));
  send_all(pair.client, "12345");
  CHECK(log.next(&pair.server).occurred == event::read);
  REQUIRE_FALSE(pair.client.close());
  CHECK(log.quiet(&pair.server).occurred == event::none);
  char buffer[8];
  std::error_code ec;
  CHECK(pair.server.recv(buffer, 3, ec) == 3);
  CHECK(log.next(&pair.server).occurred == event::read);
  CHECK(pair.server.recv(buffer, 5, ec) == 2);
  const evsel::network_events got = log.next(&pair.server);
  CHECK(got.occurred == event::close);
  CHECK_FALSE(got.error(event::close));
  CHECK(pair.server.recv(buffer, 5, ec) == 0);
  CHECK_FALSE(ec);
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

TEST_CASE("Data and the peer's close before any wait: read, then close after reading",
          "[conformance][close][C37]") {
  tcp_pair pair = make_tcp_pair();
  send_all(pair.client, "12345");
  REQUIRE_FALSE(pair.client.close());
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::read | event::close, &pair.server));
  CHECK(log.next(&pair.server).occurred == event::read);
  CHECK(drain(pair.server) == "12345");
  CHECK(log.next(&pair.server).occurred == event::close);
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

TEST_CASE("With only close selected, close waits until the unread data is read",
          "[conformance][close][C46]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::close, &pair.server));
  send_all(pair.client, "12345");
  REQUIRE_FALSE(pair.client.close());
  CHECK(log.quiet(&pair.server).occurred == event::none);
  CHECK(drain(pair.server) == "12345");
  CHECK(log.next(&pair.server).occurred == event::close);
}

TEST_CASE("A close that happened before close was selected is reported when it is",
          "[conformance][close][C38]") {
  evsel::poller poller;
  event_log log(poller);
  {
    tcp_pair pair = make_tcp_pair();
    REQUIRE_FALSE(pair.client.close());
    wait_for_end_of_stream(pair.server);
    REQUIRE_FALSE(poller.add(pair.server, close_mask, &pair.server));
    CHECK(log.next(&pair.server).occurred == event::close);
  }
  tcp_pair pair = make_tcp_pair();
  REQUIRE_FALSE(poller.add(pair.server, close_mask & ~event::close, &pair.server));
  REQUIRE_FALSE(pair.client.close());
  CHECK(log.quiet(&pair.server).occurred == event::none);
  REQUIRE_FALSE(poller.modify(pair.server, close_mask));
  CHECK(log.next(&pair.server).occurred == event::close);
}

// Wine 8.0 reports a reset as a graceful close (error 0) and recv then returns 0 (W2);
// Windows, POSIX and Wine 10 report the reset.
TEST_CASE("A reset by the peer is reported once as close with connection_reset",
          "[conformance][close][C39][W2]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, close_mask, &pair.server));
  abort_connection(pair.client);
  const evsel::network_events got = log.next(&pair.server);
  CHECK(got.occurred == event::close);
  CHECK(got.error(event::close) == errc::connection_reset);
  CHECK(got.error(event::close) == std::errc::connection_reset);
  CHECK(log.quiet(&pair.server).occurred == event::none);
  REQUIRE_FALSE(poller.modify(pair.server, close_mask));
  CHECK(log.quiet(&pair.server).occurred == event::none);
  char byte = 0;
  std::error_code ec;
  pair.server.recv(&byte, 1, ec);
  CHECK(ec == errc::connection_reset);
  pair.server.send(&byte, 1, ec);
  CHECK(ec == errc::connection_reset);
}

// The peer answers and resets at once (SO_LINGER 0), as many servers do. Wine 8.0 can
// report that as FD_CLOSE alone (seen with a peer outside Wine), and reports no FD_READ
// after a recv that leaves data on the reset socket (W12): the native backend, holding
// close back while data is unread, must record read itself, or neither event comes. Many
// sessions, because it is a race. Not tagged [W2]: the close error may be W2's 0 where that
// Wine has it, everything else is strict there too.
TEST_CASE("Data then an immediate reset: read and the data come before one close every time",
          "[conformance][close][C39][C40]") {
  const std::string reply = "twelve bytes";
  constexpr int sessions = 50;
  int failed = 0;
  for (int session = 0; session < sessions; ++session) {
    tcp_pair pair = make_tcp_pair();
    evsel::poller poller;
    event_log log(poller);
    REQUIRE_FALSE(poller.add(pair.client, event::read | event::close, &pair.client));
    // Half the sessions answer while the client already waits, as a server would.
    std::thread peer;
    struct joiner {
      std::thread& t;
      ~joiner() {
        if (t.joinable()) t.join();
      }
    } join_peer{peer};
    if (session % 2 == 0) {
      send_all(pair.server, reply);
      abort_connection(pair.server);
    } else {
      peer = std::thread([&pair, &reply, session] {
        std::this_thread::sleep_for(ms(session % 7));
        std::error_code ec;
        pair.server.send(reply.data(), reply.size(), ec);  // a loopback buffer takes it all
        (void)pair.server.set_linger(true, std::chrono::seconds(0));
        (void)pair.server.close();
      });
    }
    std::string data;
    bool read = false;
    int closes = 0;
    std::error_code close_error;
    for (int round = 0; round < 20 && closes == 0; ++round) {
      const auto record = log.first(&pair.client);
      if (!record) break;  // neither read nor close within expect_window
      if (record->has(event::read)) {
        read = true;
        // Every other session reads in small pieces: each recv that leaves data must bring
        // read back (rule 1), with the reset already there.
        if (session % 4 < 2) {
          data += drain(pair.client);
        } else {
          char piece[5];
          std::error_code ec;
          data.append(piece, pair.client.recv(piece, sizeof piece, ec));
        }
      }
      if (record->has(event::close)) {
        ++closes;
        close_error = record->error(event::close);
      }
    }
    // Linux and Wine 8 keep the bytes that came before the reset; Windows and Wine 10 drop
    // what is still unread when it comes (a recv then fails with the reset).
    const bool dropped = reset_may_drop(reply, data);
    const bool ok = closes == 1 && (read || dropped) && (data == reply || dropped) &&
                    (close_error == errc::connection_reset || (wine_has("W2") && !close_error));
    if (!ok) ++failed;
    INFO("session " << session << ": read " << read << ", data '" << data << "', closes " << closes
                    << ", close error " << close_error.message());
    CHECK(ok);
    CHECK(log.quiet(&pair.client, ms(20)).occurred == event::none);
  }
  CHECK(failed == 0);
}

TEST_CASE("A reset with unread data loses nothing the OS kept and gives one close",
          "[conformance][close][C40]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::read | event::close, &pair.server));
  send_all(pair.client, "12345");
  CHECK(log.next(&pair.server).occurred == event::read);
  abort_connection(pair.client);
  // The application reads after its read event. Linux and Wine keep the bytes queued before
  // the reset, Windows drops them: either way close comes once, after the reading.
  std::string data;
  int closes = 0;
  for (int round = 0; round < 20 && closes == 0; ++round) {
    data += drain(pair.server);
    const auto record = log.first(&pair.server);
    REQUIRE(record);
    if (record->has(event::close)) ++closes;
  }
  CHECK(closes == 1);
  CHECK((data == "12345" || data.empty()));
  CHECK(log.quiet(&pair.server).occurred == event::none);
}

TEST_CASE("After a send meets the reset, queued data is still read and close comes once",
          "[conformance][close][C40]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::read | event::close, &pair.server));
  send_all(pair.client, "queued");
  CHECK(log.next(&pair.server).occurred == event::read);
  abort_connection(pair.client);
  // Sending into the reset connection fails (at once, or once the reset is seen).
  std::error_code ec;
  const auto deadline = std::chrono::steady_clock::now() + expect_window;
  while (!ec && std::chrono::steady_clock::now() < deadline) {
    pair.server.send("x", 1, ec);
    if (!ec) std::this_thread::sleep_for(ms(5));
  }
  CHECK(ec == errc::connection_reset);
  // What the OS kept is read (Linux and Wine keep it, Windows drops it), then the reset.
  std::string data = drain(pair.server);
  CHECK((data == "queued" || data.empty()));
  char byte = 0;
  pair.server.recv(&byte, 1, ec);
  CHECK(ec == errc::connection_reset);
  int closes = 0;
  while (const auto record = log.first(&pair.server, quiet_window)) {
    closes += record->has(event::close) ? 1 : 0;
  }
  CHECK(closes == 1);
}

TEST_CASE("Data after shutdown(receive) is discarded even when nothing is selected",
          "[conformance][close][C34]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::write, &pair.server));
  CHECK(log.next(&pair.server).occurred == event::write);
  REQUIRE_FALSE(pair.server.shutdown(evsel::shutdown_mode::receive));
  // Far more than the socket buffers hold: it all goes through only if it is discarded.
  const std::string chunk(64 * 1024, 'd');
  std::size_t sent = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (sent < 16 * 1024 * 1024 && std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    sent += pair.client.send(chunk.data(), chunk.size(), ec);
    REQUIRE((!ec || ec == errc::would_block));
    CHECK(log.quiet(&pair.server, ms(ec ? 5 : 0)).occurred == event::none);
  }
  CHECK(sent >= 16 * 1024 * 1024);
}

// Wine 8.0 returns 0 from that recv (W3), Wine 10 fails with WSAECONNRESET (W17); Windows
// fails with WSAECONNABORTED and evsel on POSIX does the same.
TEST_CASE("recv after sending into a closed peer fails with connection_aborted",
          "[conformance][close][C48][W3][W17]") {
  tcp_pair pair = make_tcp_pair();
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(pair.server, event::read | event::write | event::close, &pair.server));
  CHECK(log.next(&pair.server).occurred == event::write);
  REQUIRE_FALSE(pair.client.shutdown(evsel::shutdown_mode::send));
  REQUIRE_FALSE(pair.client.close());
  CHECK(log.next(&pair.server).occurred == event::close);
  std::error_code ec;
  CHECK(pair.server.send("12345", 5, ec) == 5);
  REQUIRE_FALSE(ec);
  // The peer answers the data with a reset; give it the time it takes on loopback.
  REQUIRE(log.quiet(&pair.server, ms(200)).occurred == event::none);
  char byte = 0;
  pair.server.recv(&byte, 1, ec);
  CHECK(ec == errc::connection_aborted);
}

// The article's client against a server in another process (not under Wine) that
// answers and resets at once: with the peer outside Wine, Wine reported the reset as
// FD_CONNECT's error, after FD_CONNECT had said the connection succeeded, and 10-34 % of such
// sessions got neither read nor close. Run by tests/conformance/reset_peer.sh, which starts
// the peer and names it in EVSEL_RESET_PEER; hidden from the plain conformance run.
TEST_CASE("(reset peer) Every session reads the reply of a peer that resets, then gets close",
          "[.reset-peer]") {
  const char* address = std::getenv("EVSEL_RESET_PEER");
  REQUIRE(address != nullptr);
  const evsel::endpoint peer = evsel::endpoint::parse(address);
  const std::string reply = "twelve-bytes";
  constexpr int sessions = 200;
  int failed = 0;
  for (int session = 0; session < sessions; ++session) {
    evsel::socket client = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
    evsel::poller poller;
    event_log log(poller);
    REQUIRE_FALSE(poller.add(client, event::connect | event::read | event::close, &client));
    REQUIRE_FALSE(client.connect(peer));
    const connection_story story = follow_until_close(log, client);
    const bool ok = answered_then_reset(story, reply);
    if (!ok) ++failed;
    INFO("session " << session << ": events " << to_string(story.seen) << ", data '" << story.data
                    << "', connect error '" << story.connect_error.message() << "', close error '"
                    << story.close_error.message() << "'");
    CHECK(ok);
  }
  CHECK(failed == 0);
}
