// SPDX-License-Identifier: MIT
// evsel: test harness: loopback sockets, bounded waits, and per-socket event logs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <evsel/evsel.hpp>

namespace evsel_test {

using namespace std::chrono_literals;
using evsel::event;
using ms = std::chrono::milliseconds;

// Every wait in a test is bounded by one of these.
inline constexpr ms expect_window = 3s;           // an event that must come
inline constexpr ms quiet_window = 300ms;         // nothing may come within this
inline constexpr ms settle_window = 100ms;        // events arriving together are merged
inline constexpr ms connect_refused_window = 8s;  // Windows retries the SYN (KB175523)
inline constexpr ms fill_window = 10s;            // a peer that does not read fills the buffers

bool is_wine();
// The major version of the Wine the tests run under; 0 outside Wine.
int wine_major();
// Whether the Wine the tests run under has `deviation` (an id of tests/wine_deviations.txt).
bool wine_has(const char* deviation);
const char* platform_name();
// Lets this process hold at least `descriptors` sockets where the OS has a per-process soft
// limit below its hard one (POSIX RLIMIT_NOFILE); fails the test if the hard limit is lower.
void raise_descriptor_limit(std::size_t descriptors);

// Descriptors this process has open (POSIX, /proc/self/fd or /dev/fd), for leak checks;
// -1 where the count is not meaningful (on Windows the thread pool's own threads and waits
// come and go with load, so a handle count says nothing about evsel's sockets).
int open_descriptor_count();

// CPU time this process has used (user plus system), for "no busy loop" checks.
double process_cpu_seconds();

// How a child process ended (run_test_case_in_child).
struct child_outcome {
  bool finished = false;     // it ended by itself within the time given (else it was killed)
  bool abnormal = false;     // it ended by a signal or with a non-zero exit status
  int status = 0;            // the exit status, or the signal number on POSIX
  std::string error_output;  // everything it wrote to stderr
};
// Runs this test program again with only the test case `name` (usually a hidden one, tagged
// [.]), for what must end the process (a misuse that aborts). Killed after `timeout`.
child_outcome run_test_case_in_child(const std::string& name, ms timeout);

// A TCP socket's keep-alive timing as the OS reports it (TCP_KEEPIDLE or macOS's
// TCP_KEEPALIVE, TCP_KEEPINTVL, TCP_KEEPCNT).
struct keep_alive_timing {
  int idle_seconds = 0;
  int interval_seconds = 0;
  int probes = 0;
  bool operator==(const keep_alive_timing& o) const {
    return idle_seconds == o.idle_seconds && interval_seconds == o.interval_seconds &&
           probes == o.probes;
  }
};
// Nothing where the OS cannot report it (Windows before 10 version 1709, Wine 8.0: the
// options are unknown there); fails the test if the OS knows them and still fails.
std::optional<keep_alive_timing> read_keep_alive_timing(const evsel::socket& s);

// Waits on `poller` for all of `window`, handing every record to `on_record`; returns the
// CPU time the process used meanwhile. A wait that spins uses all of it, an idle one ~0.
template <class OnRecord>
double wait_through(evsel::poller& poller, ms window, OnRecord on_record) {
  const double before = process_cpu_seconds();
  const auto until = std::chrono::steady_clock::now() + window;
  evsel::ready_record records[16];
  for (auto now = std::chrono::steady_clock::now(); now < until;
       now = std::chrono::steady_clock::now()) {
    std::error_code ec;
    const std::size_t n =
        poller.wait(records, 16, std::chrono::duration_cast<ms>(until - now) + ms(1), ec);
    if (ec) throw std::system_error(ec, "poller::wait");
    for (std::size_t i = 0; i < n; ++i) on_record(records[i]);
  }
  return process_cpu_seconds() - before;
}
// What a busy loop is not: at most this share of one core over a fault window.
inline constexpr double idle_cpu_share = 0.2;

// While it lives, accept fails for lack of descriptors. On POSIX for real: the soft
// RLIMIT_NOFILE is lowered and every descriptor left below it is taken. Where the process
// has no such limit to reach (Windows, and under Wine the descriptors are wineserver's),
// through evsel::testing::fail_next_accepts with the native "too many open sockets" error.
// Create every socket the test needs before it.
class descriptor_exhaustion {
 public:
  descriptor_exhaustion();
  ~descriptor_exhaustion();
  descriptor_exhaustion(const descriptor_exhaustion&) = delete;
  descriptor_exhaustion& operator=(const descriptor_exhaustion&) = delete;

 private:
  void release() noexcept;
#if !defined(_WIN32)
  // The descriptors taken and the soft limit to restore: POSIX only, Windows has neither.
  std::vector<int> taken_;
  unsigned long long saved_limit_ = 0;
#endif
};

// A listening TCP socket on the loopback address of `family`, port chosen by the OS.
evsel::socket make_listener(evsel::address_family family = evsel::address_family::ipv4);
// The listener's address.
evsel::endpoint endpoint_of(const evsel::socket& s);
// Starts a connection to `listener` from a new socket (the outcome comes as events).
evsel::socket start_connect(const evsel::socket& listener);

// A connected TCP pair over loopback (setup uses evsel itself; all waits bounded).
struct tcp_pair {
  evsel::socket client;  // connected by evsel::socket::connect
  evsel::socket server;  // returned by accept
};
tcp_pair make_tcp_pair(evsel::address_family family = evsel::address_family::ipv4);
// `count` such pairs.
std::vector<tcp_pair> make_tcp_pairs(std::size_t count);

// A context value that names socket `index` of a test's list, and back.
inline void* index_context(std::size_t index) {
  return reinterpret_cast<void*>(index + 1);
}
inline std::size_t context_index(const void* context) {
  return reinterpret_cast<std::size_t>(context) - 1;
}
// Accepts one connection on `listener`, waiting up to expect_window.
evsel::socket accept_one(evsel::socket& listener);

// A UDP socket bound to loopback:0.
evsel::socket make_udp(evsel::address_family family = evsel::address_family::ipv4);

// Sends all of `data`; fails the test if the socket would block for longer than a window.
void send_all(evsel::socket& s, const std::string& data);
// Receives exactly `count` bytes from an unregistered socket, waiting up to expect_window.
std::string recv_exact(evsel::socket& s, std::size_t count);
// Reads everything an unregistered socket has until end of stream or would-block.
std::string drain(evsel::socket& s);
// Sends 64 KiB chunks until the socket would block (the peer does not read); returns how
// much was taken. Fails the test if it never blocks within fill_window, and ends the program
// if a single send blocks.
std::size_t fill_until_blocked(evsel::socket& s);

// Ends the test program with a message if it is still alive `limit` after construction: a
// call that must not block but does (a send on a non-blocking socket under Wine 10, W14)
// cannot be bounded from the thread it blocks.
class blocked_call_watchdog {
 public:
  blocked_call_watchdog(const char* what, ms limit);
  ~blocked_call_watchdog();
  blocked_call_watchdog(const blocked_call_watchdog&) = delete;
  blocked_call_watchdog& operator=(const blocked_call_watchdog&) = delete;

 private:
  std::mutex lock_;
  std::condition_variable done_;
  bool finished_ = false;
  std::thread watcher_;
};
// Resets the connection (SO_LINGER on with zero timeout, then close).
void abort_connection(evsel::socket& s);
// Waits until `s` (unregistered) reports `mask` on a private poller; returns what came.
evsel::network_events wait_alone(evsel::socket& s, event mask, ms timeout = expect_window);

// One wait(..., 0ms, ...) on `poller` ("zero: just look"): the union of what it returned
// for `context`. Records for other contexts are dropped.
evsel::network_events look_once(evsel::poller& poller, const void* context);
// Waits (bounded, without selecting anything) until `s` has at least `count` bytes queued.
void wait_until_available(evsel::socket& s, std::size_t count);

// One wait with room for a single record, while `a` and `b` (registered with their own
// addresses as context) both have records to come: one record is returned, the other stays
// recorded inside the poller. held_context returns the context whose record is held,
// hold_one_record the socket, user event or timer.
const void* held_context(evsel::poller& poller, const void* a, const void* b);
template <class Registered>
Registered& hold_one_record(evsel::poller& poller, Registered& a, Registered& b) {
  return held_context(poller, &a, &b) == &a ? a : b;
}

// Records from one poller, kept per context so that a test can ask about each socket in
// turn, as WSAEnumNetworkEvents does per socket.
class event_log {
 public:
  explicit event_log(evsel::poller& poller) : poller_(poller) {}

  // Everything for `context` that arrives until the first record plus settle_window:
  // the union of events, each with its error. event::none after `timeout`.
  evsel::network_events next(const void* context, ms timeout = expect_window);
  // What arrives for `context` within `window`; tests expect event::none.
  evsel::network_events quiet(const void* context, ms window = quiet_window) {
    return next(context, window);
  }
  // The first single record for `context` (no merging), for atomicity checks.
  std::optional<evsel::ready_record> first(const void* context, ms timeout = expect_window);

 private:
  bool pump(ms timeout);  // one wait; files its records; false if nothing came
  std::optional<evsel::ready_record> take(const void* context);

  evsel::poller& poller_;
  std::map<const void*, std::deque<evsel::ready_record>> pending_;
};

// What a connection's records said until close: the union of the events, the errors of
// connect and close, and the data read (drain) on each read. At most ten records, each
// within expect_window.
struct connection_story {
  event seen = event::none;
  std::error_code connect_error;
  std::error_code close_error;
  std::string data;
  bool has(event e) const { return (seen & e) == e; }
};
connection_story follow_until_close(event_log& log, evsel::socket& s);
// A connection that answered `reply` and was then reset, as the story tells it: connect
// without an error, the reply, then close with connection_reset. Windows may drop the reply
// at the reset; Wine 8.0 may report the reset as a graceful close (W2), and Wine 10 may when
// the peer is outside Wine (W18).
bool answered_then_reset(const connection_story& story, const std::string& reply);
// Whether `received` is what the platform may give of `sent` when a reset follows it: on
// Windows a prefix, since the reset drops what is still unread.
bool reset_may_drop(const std::string& sent, const std::string& received);

}  // namespace evsel_test

namespace evsel {
// So that CHECK(a == b) prints events readably.
inline std::ostream& operator<<(std::ostream& out, event e) {
  return out << to_string(e);
}
}  // namespace evsel
