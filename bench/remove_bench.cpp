// SPDX-License-Identifier: MIT
// evsel-remove-bench: what a remove leaves for later. (1) The wait right after a remove, on a
// poller that holds 10,000 live sockets against one that holds 1, as a ratio: a wait must
// cost what was removed, not what is registered. (2) Add/remove cycles with no wait at all:
// the registrations and resident memory they leave held. Repetitions are interleaved and
// every timing is a median, since this kind of machine is noisy.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <evsel/evsel.hpp>
#include <evsel/testing.hpp>

#include "bench_common.hpp"
#include "descriptor_limit.hpp"
#include "number_argument.hpp"
#include "process_usage.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using evsel::event;
using evsel_bench::check;
using evsel_bench::median;

// Seconds per zero-timeout wait right after one add and remove of `spare`.
double wait_after_remove(evsel::poller& poller, evsel::socket& spare, std::size_t rounds) {
  evsel::ready_record records[16];
  std::error_code ec;
  double waiting = 0;
  for (std::size_t round = 0; round < rounds; ++round) {
    check(poller.add(spare, event::read, &spare), "add spare");
    check(poller.remove(spare), "remove spare");
    const auto start = clock_type::now();
    (void)poller.wait(records, 16, std::chrono::milliseconds(0), ec);
    waiting += std::chrono::duration<double>(clock_type::now() - start).count();
    check(ec, "wait");
  }
  return waiting / static_cast<double>(rounds);
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long long rounds = 2000;
  unsigned long long repetitions = 5;
  unsigned long long live = 10000;
  unsigned long long cycles = 200000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    unsigned long long* target = option == "--rounds"        ? &rounds
                                 : option == "--repetitions" ? &repetitions
                                 : option == "--live"        ? &live
                                 : option == "--cycles"      ? &cycles
                                                             : nullptr;
    if (target == nullptr || !evsel_examples::parse_number(argv[i + 1], 1, 100000000, *target)) {
      std::fputs(
          "usage: evsel-remove-bench [--rounds N] [--repetitions N] [--live N] [--cycles N]\n",
          stderr);
      return 2;
    }
  }
  evsel_examples::raise_descriptor_limit(live + 64);
  std::printf("evsel-remove-bench: backend %s, %llu waits after a remove, %llu repetitions\n",
              evsel::poller::backend_name(), rounds, repetitions);
  std::vector<evsel::socket> sockets = evsel_bench::make_idle(live + 1);
  evsel::socket& spare = sockets.back();
  const std::size_t counts[2] = {1, static_cast<std::size_t>(live)};
  std::vector<double> results[2];
  for (unsigned long long rep = 0; rep < repetitions; ++rep) {
    for (std::size_t j = 0; j < 2; ++j) {
      const std::size_t which = (j + rep) % 2;  // interleaved, in a rotating order
      evsel::poller poller;
      for (std::size_t k = 0; k < counts[which]; ++k) {
        check(poller.add(sockets[k], event::read, &sockets[k]), "add live");
      }
      wait_after_remove(poller, spare, rounds / 10 + 1);  // warm-up
      results[which].push_back(wait_after_remove(poller, spare, rounds));
    }
  }
  const double base = median(results[0]);
  std::printf("%-14s %22s %12s\n", "live sockets", "wait after remove (us)", "ratio to 1");
  for (std::size_t j = 0; j < 2; ++j) {
    const double m = median(results[j]);
    std::printf("%-14zu %22.2f %12.2f\n", counts[j], m * 1e6, m / base);
  }

  // Cycles without any wait: what stays held until a wait comes.
  evsel::poller poller;
  std::uint64_t rss_before = 0;
  std::uint64_t rss_after = 0;
  const bool rss = evsel_examples::read_rss_kib(evsel_bench::own_pid(), rss_before);
  const auto start = clock_type::now();
  for (unsigned long long cycle = 0; cycle < cycles; ++cycle) {
    check(poller.add(spare, event::read, &spare), "add spare");
    check(poller.remove(spare), "remove spare");
  }
  const double took = std::chrono::duration<double>(clock_type::now() - start).count();
  const std::size_t held = evsel::testing::registrations_held(poller);
  std::printf("%llu add/remove cycles without a wait: %.2f us a cycle, %zu registrations held",
              cycles, took / static_cast<double>(cycles) * 1e6, held);
  if (rss && evsel_examples::read_rss_kib(evsel_bench::own_pid(), rss_after)) {
    std::printf(", resident memory %+.1f MiB",
                (static_cast<double>(rss_after) - static_cast<double>(rss_before)) / 1024.0);
  }
  std::printf("\n");
  return 0;
}
