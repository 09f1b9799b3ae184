// SPDX-License-Identifier: MIT
// evsel benchmarks: what the in-process benchmarks share (see bench_common.hpp).
#include "bench_common.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#if defined(_WIN32)
#include <process.h>
#else
#include <unistd.h>
#endif

namespace evsel_bench {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using evsel::event;

void die(const char* program, const std::string& what, const std::error_code& ec) {
  std::fprintf(stderr, "%s: %s%s%s\n", program, what.c_str(), ec ? ": " : "",
               ec ? ec.message().c_str() : "");
  std::exit(1);
}

void check(const std::error_code& ec, const char* what) {
  if (ec) die("evsel benchmark", what, ec);
}

std::vector<evsel::socket> make_idle(std::size_t count) {
  std::vector<evsel::socket> sockets(count);
  for (auto& s : sockets) {
    std::error_code ec;
    s = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::udp, ec);
    check(ec, "open an idle socket");
    check(s.bind(evsel::endpoint::loopback(evsel::address_family::ipv4, 0)), "bind");
  }
  return sockets;
}

connection connect_pair() {
  std::error_code ec;
  evsel::socket listener =
      evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp, ec);
  check(ec, "listener");
  check(listener.bind(evsel::endpoint::loopback(evsel::address_family::ipv4, 0)), "bind");
  check(listener.listen(), "listen");
  const evsel::endpoint where = listener.local_endpoint(ec);
  connection c;
  c.client = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp, ec);
  check(c.client.connect(where), "connect");
  check(c.client.set_no_delay(true), "no delay");
  evsel::poller p;
  check(p.add(listener, event::accept), "add listener");
  evsel::ready_record r;
  if (p.wait(&r, 1, 5s, ec) != 1) die("evsel benchmark", "no connection", ec);
  c.server = listener.accept(ec);
  check(ec, "accept");
  check(c.server.set_no_delay(true), "no delay");
  return c;
}

double ping_pong(evsel::poller& poller, connection& c, std::size_t trips, std::size_t size) {
  std::vector<char> message(size, 'p');
  std::vector<char> buffer(size);
  evsel::ready_record records[16];
  std::error_code ec;
  const auto start = clock_type::now();
  for (std::size_t trip = 0; trip < trips; ++trip) {
    c.client.send(message.data(), size, ec);
    check(ec, "send");
    // Until the client has the answer: the server echoes what it gets.
    std::size_t back = 0;
    while (back < size) {
      const std::size_t n = poller.wait(records, 16, 5s, ec);
      if (n == 0) die("evsel benchmark", "ping-pong stalled", ec);
      for (std::size_t i = 0; i < n; ++i) {
        if (!records[i].has(event::read)) continue;  // a timeout of another benchmark
        evsel::socket& s = *static_cast<evsel::socket*>(records[i].context);
        const std::size_t got = s.recv(buffer.data(), buffer.size(), ec);
        if (ec) continue;
        if (&s == &c.server) {
          c.server.send(buffer.data(), got, ec);
          check(ec, "echo");
        } else {
          back += got;
        }
      }
    }
  }
  return std::chrono::duration<double>(clock_type::now() - start).count() / trips;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

long own_pid() {
#if defined(_WIN32)
  return static_cast<long>(_getpid());
#else
  return static_cast<long>(getpid());
#endif
}

}  // namespace evsel_bench
