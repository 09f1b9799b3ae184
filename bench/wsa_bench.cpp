// SPDX-License-Identifier: MIT
// evsel-wsa-bench: what a Winsock program pays for running on evsel-wsa (docs/wsa.md): the
// same echo exchange written against Winsock (wsa_bench_winsock.cpp) and against
// evsel::poller, in one process, repetitions interleaved, each Winsock figure a ratio to
// evsel's from the same run. On POSIX, Winsock is evsel-wsa: the ratio is the pump's cost
// (a thread switch more per event) plus the event-object wait. On Windows it is the real
// ws2_32 against evsel's native backend.
//   evsel-wsa-bench [--rounds N] [--repetitions N]
#include "wsa_bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <vector>

#include <evsel/evsel.hpp>

#include "bench_common.hpp"
#include "number_argument.hpp"

namespace {

using evsel::event;
using evsel_bench::check;

// evsel's side of the exchange of winsock_exchange: the same pairs, rounds and sizes, one
// poller, records in rotation.
double evsel_exchange(std::size_t pairs, std::size_t rounds, std::size_t size) {
  std::vector<evsel_bench::connection> connections;
  for (std::size_t i = 0; i < pairs; ++i) connections.push_back(evsel_bench::connect_pair());
  struct side {
    evsel::socket* s;
    std::size_t pair;
    bool server;
  };
  std::vector<side> sides;
  for (std::size_t i = 0; i < pairs; ++i) {
    sides.push_back({&connections[i].client, i, false});
    sides.push_back({&connections[i].server, i, true});
  }
  evsel::poller poller;
  for (side& x : sides) check(poller.add(*x.s, event::read, &x), "add");
  std::vector<char> buffer(size, 'x');
  std::vector<evsel::ready_record> records(2 * pairs);
  std::error_code ec;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t round = 0; round < rounds; ++round) {
    for (auto& c : connections) {
      if (c.client.send(buffer.data(), size, ec) != size) check(ec, "send (client)");
    }
    std::vector<std::size_t> echoed(pairs, 0);
    std::size_t done = 0;
    while (done < pairs) {
      const std::size_t n =
          poller.wait(records.data(), records.size(), std::chrono::seconds(10), ec);
      check(ec, "wait");
      if (n == 0) evsel_bench::die("evsel-wsa-bench", "no record within 10 s");
      for (std::size_t r = 0; r < n; ++r) {
        const side& x = *static_cast<const side*>(records[r].context);
        const std::size_t got = x.s->recv(buffer.data(), size, ec);
        if (ec == evsel::errc::would_block) continue;
        check(ec, "recv");
        if (x.server) {
          if (x.s->send(buffer.data(), got, ec) != got) check(ec, "send (server)");
        } else if ((echoed[x.pair] += got) == size) {
          ++done;
        }
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return seconds / static_cast<double>(rounds * pairs);
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long long rounds = 20000;
  unsigned long long repetitions = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    unsigned long long* target = arg == "--rounds"        ? &rounds
                                 : arg == "--repetitions" ? &repetitions
                                                          : nullptr;
    if (target == nullptr || i + 1 == argc ||
        !evsel_examples::parse_number(argv[++i], 1, 100000000, *target)) {
      std::fprintf(stderr, "usage: evsel-wsa-bench [--rounds N] [--repetitions N]\n");
      return 2;
    }
  }
  struct cell {
    std::size_t pairs;
    std::size_t size;
  };
  // One pair: the latency of one event's path. 31 pairs: 62 events, as full a Winsock array
  // as 64 allows, all busy at once.
  const cell cells[] = {{1, 64}, {1, 16384}, {31, 64}};
  std::printf("evsel-wsa-bench (%s backend): seconds per echoed message, medians of %llu\n",
              evsel::poller::backend_name(), repetitions);
  std::printf("%-7s %-7s %-12s %-12s %s\n", "pairs", "bytes", "evsel", "winsock", "winsock/evsel");
  for (const cell& c : cells) {
    const std::size_t cell_rounds = std::max<std::size_t>(1, rounds / c.pairs);
    std::vector<double> direct, winsock, ratios;
    for (unsigned long long r = 0; r < repetitions; ++r) {
      direct.push_back(evsel_exchange(c.pairs, cell_rounds, c.size));
      winsock.push_back(evsel_wsa_bench::winsock_exchange(c.pairs, cell_rounds, c.size));
      ratios.push_back(winsock.back() / direct.back());
    }
    std::printf("%-7zu %-7zu %-12.3g %-12.3g %.2f\n", c.pairs, c.size, evsel_bench::median(direct),
                evsel_bench::median(winsock), evsel_bench::median(ratios));
  }
  return 0;
}
