// SPDX-License-Identifier: MIT
// evsel-idle-bench: what idle registrations cost. One connection plays ping-pong on a poller
// that also holds 0, 100, 1,000 or 10,000 idle sockets; then 10,000 sockets are registered
// and removed. Repetitions are interleaved and every figure is also given as a ratio to the
// 0-idle case of the same run, since this kind of machine is noisy.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <evsel/evsel.hpp>

#include "bench_common.hpp"
#include "descriptor_limit.hpp"
#include "number_argument.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using evsel::event;
using evsel_bench::check;
using evsel_bench::connect_pair;
using evsel_bench::connection;
using evsel_bench::make_idle;
using evsel_bench::median;
using evsel_bench::ping_pong;

}  // namespace

int main(int argc, char** argv) {
  unsigned long long trips = 20000;
  unsigned long long repetitions = 5;
  unsigned long long most_idle = 10000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    unsigned long long* target = option == "--trips"         ? &trips
                                 : option == "--repetitions" ? &repetitions
                                 : option == "--idle"        ? &most_idle
                                                             : nullptr;
    if (target == nullptr || !evsel_examples::parse_number(argv[i + 1], 1, 10000000, *target)) {
      std::fputs("usage: evsel-idle-bench [--trips N] [--repetitions N] [--idle MAX]\n", stderr);
      return 2;
    }
  }
  evsel_examples::raise_descriptor_limit(most_idle + 64);
  std::vector<std::size_t> idle_counts;
  for (std::size_t k : {0u, 100u, 1000u, 10000u}) {
    if (k <= most_idle) idle_counts.push_back(k);
  }
  std::printf("evsel-idle-bench: backend %s, %llu round trips of 64 bytes, %llu repetitions\n",
              evsel::poller::backend_name(), trips, repetitions);
  connection c = connect_pair();
  std::vector<evsel::socket> idle = make_idle(idle_counts.back());
  std::vector<std::vector<double>> results(idle_counts.size());
  for (unsigned long long rep = 0; rep < repetitions; ++rep) {
    // Interleaved: every idle count once per repetition, in a rotating order.
    for (std::size_t j = 0; j < idle_counts.size(); ++j) {
      const std::size_t which = (j + rep) % idle_counts.size();
      evsel::poller poller;
      check(poller.add(c.server, event::read, &c.server), "add");
      check(poller.add(c.client, event::read, &c.client), "add");
      for (std::size_t k = 0; k < idle_counts[which]; ++k) {
        check(poller.add(idle[k], event::read, &idle[k]), "add idle");
      }
      ping_pong(poller, c, trips / 10 + 1, 64);  // warm-up
      results[which].push_back(ping_pong(poller, c, trips, 64));
    }
  }
  const double base = median(results[0]);
  std::printf("%-14s %16s %14s\n", "idle sockets", "round trip (us)", "ratio to 0");
  for (std::size_t j = 0; j < idle_counts.size(); ++j) {
    const double m = median(results[j]);
    std::printf("%-14zu %16.2f %14.2f\n", idle_counts[j], m * 1e6, m / base);
  }

  if (idle.empty()) return 0;
  // Registering and removing the idle sockets, against one round trip of the 0-idle case.
  std::vector<double> adds;
  std::vector<double> removes;
  for (unsigned long long rep = 0; rep < repetitions; ++rep) {
    evsel::poller poller;
    auto start = clock_type::now();
    for (auto& s : idle) check(poller.add(s, event::read, &s), "add idle");
    adds.push_back(std::chrono::duration<double>(clock_type::now() - start).count());
    start = clock_type::now();
    for (auto& s : idle) check(poller.remove(s), "remove idle");
    removes.push_back(std::chrono::duration<double>(clock_type::now() - start).count());
  }
  std::printf("register %zu sockets: %.2f ms (%.2f us each, %.1f round trips each)\n", idle.size(),
              median(adds) * 1e3, median(adds) / idle.size() * 1e6,
              median(adds) / idle.size() / base);
  std::printf("remove %zu sockets:   %.2f ms (%.2f us each, %.1f round trips each)\n", idle.size(),
              median(removes) * 1e3, median(removes) / idle.size() * 1e6,
              median(removes) / idle.size() / base);
  return 0;
}
