// SPDX-License-Identifier: MIT
// evsel: test harness: loopback sockets, bounded waits, and per-socket event logs.
#include "harness.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "support/catch.hpp"

namespace evsel_test {
namespace {

using clock = std::chrono::steady_clock;

void require_ok(const std::error_code& ec, const char* what) {
  if (ec) FAIL(what << ": " << ec.message() << " (" << ec.value() << ")");
}

ms left_until(clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<ms>(deadline - clock::now());
  return left < ms::zero() ? ms::zero() : left;
}

void merge(evsel::network_events& into, const evsel::ready_record& record) {
  for (std::size_t i = 0; i < evsel::event_bit_count; ++i) {
    const auto bit = static_cast<event>(1U << i);
    if (record.has(bit)) into.errors[i] = record.errors[i];
  }
  into.occurred |= record.occurred;
}

}  // namespace

evsel::socket make_listener(evsel::address_family family) {
  evsel::socket listener = evsel::socket::open(family, evsel::protocol::tcp);
  require_ok(listener.bind(evsel::endpoint::loopback(family, 0)), "bind listener");
  require_ok(listener.listen(), "listen");
  return listener;
}

evsel::endpoint endpoint_of(const evsel::socket& s) {
  std::error_code ec;
  const evsel::endpoint local = s.local_endpoint(ec);
  require_ok(ec, "local_endpoint");
  return local;
}

evsel::socket start_connect(const evsel::socket& listener) {
  evsel::socket client = evsel::socket::open(listener.family(), evsel::protocol::tcp);
  require_ok(client.connect(endpoint_of(listener)), "connect");
  return client;
}

evsel::network_events wait_alone(evsel::socket& s, event mask, ms timeout) {
  evsel::poller poller;
  if (const std::error_code ec = poller.add(s, mask, &s); ec == evsel::errc::already_registered) {
    // The test's own poller has it: let time pass; the caller retries until its deadline.
    std::this_thread::sleep_for(std::min(timeout, ms(5)));
    return {};
  } else {
    require_ok(ec, "add (wait_alone)");
  }
  event_log log(poller);
  evsel::network_events seen;
  const auto deadline = clock::now() + timeout;
  while (!evsel::has_any(seen.occurred, mask) && clock::now() < deadline) {
    const evsel::network_events got = log.next(&s, left_until(deadline));
    seen.occurred |= got.occurred;
    for (std::size_t i = 0; i < evsel::event_bit_count; ++i) {
      if (got.has(static_cast<event>(1U << i))) seen.errors[i] = got.errors[i];
    }
  }
  require_ok(poller.remove(s), "remove (wait_alone)");
  return seen;
}

std::vector<tcp_pair> make_tcp_pairs(std::size_t count) {
  std::vector<tcp_pair> pairs;
  pairs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) pairs.push_back(make_tcp_pair());
  return pairs;
}

evsel::socket accept_one(evsel::socket& listener) {
  const auto deadline = clock::now() + expect_window;
  for (;;) {
    std::error_code ec;
    evsel::socket accepted = listener.accept(ec);
    if (!ec) return accepted;
    if (ec != evsel::errc::would_block || clock::now() >= deadline) {
      FAIL("accept: " << ec.message());
    }
    wait_alone(listener, event::accept, left_until(deadline));
  }
}

tcp_pair make_tcp_pair(evsel::address_family family) {
  evsel::socket listener = make_listener(family);
  tcp_pair pair;
  pair.client = start_connect(listener);
  // Only the listener is watched, so neither end has had an event delivered yet: like the
  // blocking connect and accept of a plain Winsock test program.
  pair.server = accept_one(listener);
  return pair;
}

evsel::socket make_udp(evsel::address_family family) {
  evsel::socket s = evsel::socket::open(family, evsel::protocol::udp);
  require_ok(s.bind(evsel::endpoint::loopback(family, 0)), "bind udp");
  return s;
}

void send_all(evsel::socket& s, const std::string& data) {
  std::size_t sent = 0;
  const auto deadline = clock::now() + expect_window;
  while (sent < data.size()) {
    if (clock::now() >= deadline) FAIL("send_all: only " << sent << " of " << data.size());
    std::error_code ec;
    sent += s.send(data.data() + sent, data.size() - sent, ec);
    if (ec == evsel::errc::would_block) {
      wait_alone(s, event::write, left_until(deadline));
      continue;
    }
    require_ok(ec, "send");
  }
}

std::string recv_exact(evsel::socket& s, std::size_t count) {
  std::string data;
  const auto deadline = clock::now() + expect_window;
  while (data.size() < count) {
    std::array<char, 4096> buffer{};
    std::error_code ec;
    const std::size_t want = std::min(buffer.size(), count - data.size());
    const std::size_t n = s.recv(buffer.data(), want, ec);
    if (ec == evsel::errc::would_block && clock::now() < deadline) {
      wait_alone(s, event::read | event::close, left_until(deadline));
      continue;
    }
    require_ok(ec, "recv");
    if (n == 0) FAIL("end of stream after " << data.size() << " of " << count << " bytes");
    data.append(buffer.data(), n);
  }
  return data;
}

std::string drain(evsel::socket& s) {
  std::string data;
  for (;;) {
    std::array<char, 65536> buffer{};
    std::error_code ec;
    const std::size_t n = s.recv(buffer.data(), buffer.size(), ec);
    if (ec || n == 0) return data;
    data.append(buffer.data(), n);
  }
}

std::size_t fill_until_blocked(evsel::socket& s) {
  const blocked_call_watchdog watchdog("a send in fill_until_blocked", 2 * fill_window);
  const std::string chunk(64 * 1024, 'w');
  std::size_t total = 0;
  const auto deadline = clock::now() + fill_window;
  while (clock::now() < deadline) {
    std::error_code ec;
    total += s.send(chunk.data(), chunk.size(), ec);
    if (ec == evsel::errc::would_block) return total;
    require_ok(ec, "send");
  }
  FAIL("send never blocked: " << total << " bytes taken in " << fill_window.count() << " ms");
  return total;
}

blocked_call_watchdog::blocked_call_watchdog(const char* what, ms limit)
    : watcher_([this, what, limit] {
        std::unique_lock<std::mutex> hold(lock_);
        if (done_.wait_for(hold, limit, [this] { return finished_; })) return;
        std::fprintf(stderr, "FAILED: %s has blocked for %lld ms; ending the test program\n", what,
                     static_cast<long long>(limit.count()));
        std::fflush(stderr);
        std::_Exit(3);
      }) {}

blocked_call_watchdog::~blocked_call_watchdog() {
  {
    std::lock_guard<std::mutex> hold(lock_);
    finished_ = true;
  }
  done_.notify_one();
  watcher_.join();
}

void abort_connection(evsel::socket& s) {
  require_ok(s.set_linger(true, std::chrono::seconds(0)), "set_linger");
  require_ok(s.close(), "close");
}

const void* held_context(evsel::poller& poller, const void* a, const void* b) {
  evsel::ready_record record;
  std::error_code ec;
  std::size_t n = 0;
  for (int i = 0; i < 10 && n == 0; ++i) n = poller.wait(&record, 1, expect_window, ec);
  require_ok(ec, "poller::wait");
  REQUIRE(n == 1);
  REQUIRE((record.context == a || record.context == b));
  return record.context == a ? b : a;
}

evsel::network_events look_once(evsel::poller& poller, const void* context) {
  std::array<evsel::ready_record, 16> records;
  std::error_code ec;
  const std::size_t n = poller.wait(records.data(), records.size(), ms::zero(), ec);
  require_ok(ec, "poller::wait");
  evsel::network_events seen;
  for (std::size_t i = 0; i < n; ++i) {
    if (records[i].context == context) merge(seen, records[i]);
  }
  return seen;
}

void wait_until_available(evsel::socket& s, std::size_t count) {
  const auto deadline = clock::now() + expect_window;
  for (;;) {
    std::error_code ec;
    const std::size_t queued = s.available(ec);
    require_ok(ec, "available");
    if (queued >= count) return;
    if (clock::now() >= deadline) FAIL("only " << queued << " of " << count << " bytes came");
    std::this_thread::sleep_for(ms(1));
  }
}

bool event_log::pump(ms timeout) {
  std::array<evsel::ready_record, 16> records;
  std::error_code ec;
  const std::size_t n = poller_.wait(records.data(), records.size(), timeout, ec);
  require_ok(ec, "poller::wait");
  for (std::size_t i = 0; i < n; ++i) {
    REQUIRE(records[i].occurred != event::none);  // never an empty record (G10)
    pending_[records[i].context].push_back(records[i]);
  }
  return n != 0;
}

std::optional<evsel::ready_record> event_log::take(const void* context) {
  auto found = pending_.find(context);
  if (found == pending_.end() || found->second.empty()) return std::nullopt;
  evsel::ready_record record = found->second.front();
  found->second.pop_front();
  return record;
}

std::optional<evsel::ready_record> event_log::first(const void* context, ms timeout) {
  const auto deadline = clock::now() + timeout;
  for (;;) {
    if (auto record = take(context)) return record;
    const ms left = left_until(deadline);
    if (left == ms::zero()) return std::nullopt;
    pump(left);
  }
}

evsel::network_events event_log::next(const void* context, ms timeout) {
  evsel::network_events seen;
  auto record = first(context, timeout);
  if (!record) return seen;
  merge(seen, *record);
  const auto settle_end = clock::now() + settle_window;
  for (;;) {
    while (auto more = take(context)) merge(seen, *more);
    const ms left = left_until(settle_end);
    if (left == ms::zero()) return seen;
    pump(left);
  }
}

}  // namespace evsel_test

namespace evsel_test {

connection_story follow_until_close(event_log& log, evsel::socket& s) {
  connection_story story;
  for (int records = 0; records < 10 && !story.has(event::close); ++records) {
    const auto record = log.first(&s);
    if (!record) break;  // nothing more within expect_window
    story.seen |= record->occurred;
    if (record->has(event::connect)) story.connect_error = record->error(event::connect);
    if (record->has(event::read)) story.data += drain(s);
    if (record->has(event::close)) story.close_error = record->error(event::close);
  }
  return story;
}

bool reset_may_drop(const std::string& sent, const std::string& received) {
  // Windows (and Wine 10) drop what is unread when a reset comes; Linux and Wine 8 keep it.
  return std::string(platform_name()) == "Windows" && received.size() < sent.size() &&
         sent.compare(0, received.size(), received) == 0;
}

bool answered_then_reset(const connection_story& story, const std::string& reply) {
  const bool dropped = reset_may_drop(reply, story.data);
  return story.has(event::connect) && !story.connect_error && (story.has(event::read) || dropped) &&
         (story.data == reply || dropped) && story.has(event::close) &&
         (story.close_error == evsel::errc::connection_reset ||
          ((wine_has("W2") || wine_has("W18")) && !story.close_error));
}

}  // namespace evsel_test
