// SPDX-License-Identifier: MIT
// evsel-timer-bench: what timers, deadlines and idle timeouts cost (docs/benchmarks.md).
//   1. A wait that expires one timer while 0, 100, 1,000 or 10,000 others are armed.
//   2. 1,000 expiries a second spread over 10,000 periodic timers, against the same rate
//      over 1,000: CPU per expiry and how late records come.
//   3. Ping-pong on one connection while 10,000 sockets have an idle timeout, with and
//      without one on the connection itself: the restart by traffic costs no queue update
//      (T8).
// Repetitions are interleaved; every figure is also a ratio to its baseline in this run.
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
#include "process_usage.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using evsel::event;
using evsel_bench::check;
using evsel_bench::median;

// Seconds per cycle of: arm one timer to expire now, wait for its record, take it; while
// `others` timers are armed an hour ahead on the same poller.
double expire_one(std::vector<evsel::timer>& others, std::size_t cycles) {
  evsel::poller poller;
  for (auto& t : others) {
    check(t.arm(1h), "arm an idle timer");
    check(poller.add(t, &t), "add an idle timer");
  }
  evsel::timer busy;
  check(poller.add(busy, &busy), "add the busy timer");
  evsel::ready_record record;
  std::error_code ec;
  const auto start = clock_type::now();
  for (std::size_t i = 0; i < cycles; ++i) {
    check(busy.arm(clock_type::duration::zero()), "arm");
    if (poller.wait(&record, 1, 5s, ec) != 1 || record.context != &busy) {
      evsel_bench::die("evsel-timer-bench", "the busy timer's record did not come", ec);
    }
    if (busy.take_expirations() != 1) evsel_bench::die("evsel-timer-bench", "not one expiry");
  }
  return std::chrono::duration<double>(clock_type::now() - start).count() / cycles;
}

struct spread_result {
  double cpu_per_expiry = 0;  // seconds; 0 where the OS does not tell
  double late_p50 = 0;        // seconds after the planned time
  double late_p99 = 0;
  double late_max = 0;
  std::size_t expiries = 0;
};

double own_cpu_seconds() {
  double seconds = 0;
  return evsel_examples::read_cpu_seconds(evsel_bench::own_pid(), seconds) ? seconds : 0.0;
}

// `count` periodic timers, their first expiries spread evenly over one period, so that
// `per_second` expire every second; runs for `length`.
spread_result spread(std::size_t count, double per_second, clock_type::duration length) {
  const auto period = std::chrono::duration_cast<clock_type::duration>(
      std::chrono::duration<double>(static_cast<double>(count) / per_second));
  std::vector<evsel::timer> timers(count);
  evsel::poller poller;
  const auto begin = clock_type::now() + 100ms;
  for (std::size_t i = 0; i < count; ++i) {
    check(timers[i].arm_at(begin + period * i / count, period), "arm");
    check(poller.add(timers[i], &timers[i]), "add");
  }
  std::vector<double> late;
  late.reserve(static_cast<std::size_t>(per_second * 60));
  spread_result result;
  std::vector<evsel::ready_record> records(256);
  std::error_code ec;
  const double cpu_before = own_cpu_seconds();
  const auto end = begin + length;
  for (auto now = clock_type::now(); now < end; now = clock_type::now()) {
    const std::size_t n = poller.wait(records.data(), records.size(),
                                      std::chrono::ceil<std::chrono::milliseconds>(end - now), ec);
    check(ec, "wait");
    const auto seen = clock_type::now();
    for (std::size_t i = 0; i < n; ++i) {
      auto& t = *static_cast<evsel::timer*>(records[i].context);
      // The expiry just recorded was planned one period before the next one.
      const auto planned = t.next_expiry() - period;
      late.push_back(std::chrono::duration<double>(seen - planned).count());
      result.expiries += t.take_expirations();
    }
  }
  const double cpu = own_cpu_seconds() - cpu_before;
  if (result.expiries != 0) result.cpu_per_expiry = cpu / static_cast<double>(result.expiries);
  std::sort(late.begin(), late.end());
  if (!late.empty()) {
    result.late_p50 = late[late.size() / 2];
    result.late_p99 = late[late.size() * 99 / 100];
    result.late_max = late.back();
  }
  return result;
}

// Seconds per round trip while every idle socket (and, if `on_connection`, both ends of the
// connection) has a 30 s idle timeout.
double ping_pong_with_idle(std::vector<evsel::socket>& idle,
                           evsel_bench::connection& c,
                           bool idle_timeouts,
                           bool on_connection,
                           std::size_t trips) {
  evsel::poller poller;
  check(poller.add(c.server, event::read, &c.server), "add");
  check(poller.add(c.client, event::read, &c.client), "add");
  for (auto& s : idle) {
    check(poller.add(s, event::read, &s), "add idle");
    if (idle_timeouts) check(poller.set_idle_timeout(s, 30s), "idle timeout");
  }
  if (on_connection) {
    check(poller.set_idle_timeout(c.server, 30s), "idle timeout");
    check(poller.set_idle_timeout(c.client, 30s), "idle timeout");
  }
  evsel_bench::ping_pong(poller, c, trips / 10 + 1, 64);  // warm-up
  return evsel_bench::ping_pong(poller, c, trips, 64);
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long long cycles = 20000;
  unsigned long long repetitions = 5;
  unsigned long long seconds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    unsigned long long* target = option == "--cycles"        ? &cycles
                                 : option == "--repetitions" ? &repetitions
                                 : option == "--seconds"     ? &seconds
                                                             : nullptr;
    if (target == nullptr || !evsel_examples::parse_number(argv[i + 1], 1, 10000000, *target)) {
      std::fputs("usage: evsel-timer-bench [--cycles N] [--repetitions N] [--seconds N]\n", stderr);
      return 2;
    }
  }
  constexpr std::size_t most = 10000;
  evsel_examples::raise_descriptor_limit(most + 64);
  std::printf("evsel-timer-bench: backend %s, %llu cycles, %llu repetitions\n",
              evsel::poller::backend_name(), cycles, repetitions);

  // 1. One expiry among many armed timers.
  const std::vector<std::size_t> armed_counts{0, 100, 1000, most};
  std::vector<std::vector<double>> expire_results(armed_counts.size());
  for (unsigned long long rep = 0; rep < repetitions; ++rep) {
    for (std::size_t j = 0; j < armed_counts.size(); ++j) {
      const std::size_t which = (j + rep) % armed_counts.size();
      std::vector<evsel::timer> others(armed_counts[which]);
      expire_results[which].push_back(expire_one(others, cycles));
    }
  }
  const double expire_base = median(expire_results[0]);
  std::printf("\n%-16s %18s %12s\n", "armed timers", "expire one (us)", "ratio to 0");
  for (std::size_t j = 0; j < armed_counts.size(); ++j) {
    const double m = median(expire_results[j]);
    std::printf("%-16zu %18.2f %12.2f\n", armed_counts[j], m * 1e6, m / expire_base);
  }

  // 2. 1,000 expiries a second over 10,000 timers, against the same rate over 1,000.
  const auto length = std::chrono::seconds(seconds);
  std::vector<spread_result> few;
  std::vector<spread_result> many;
  for (unsigned long long rep = 0; rep < std::min<unsigned long long>(repetitions, 3); ++rep) {
    few.push_back(spread(1000, 1000.0, length));
    many.push_back(spread(most, 1000.0, length));
  }
  const auto med = [](const std::vector<spread_result>& runs, double spread_result::*field) {
    std::vector<double> values;
    for (const auto& r : runs) values.push_back(r.*field);
    return median(values);
  };
  std::printf("\n%-28s %12s %12s %12s %12s %10s\n", "1,000 expiries/s over", "CPU/expiry us",
              "late p50 ms", "late p99 ms", "late max ms", "expiries");
  for (const auto* runs : {&few, &many}) {
    std::printf("%-28s %12.2f %12.3f %12.3f %12.3f %10zu\n",
                runs == &few ? "1,000 timers (period 1 s)" : "10,000 timers (period 10 s)",
                med(*runs, &spread_result::cpu_per_expiry) * 1e6,
                med(*runs, &spread_result::late_p50) * 1e3,
                med(*runs, &spread_result::late_p99) * 1e3,
                med(*runs, &spread_result::late_max) * 1e3, runs->back().expiries);
  }
  const double few_cpu = med(few, &spread_result::cpu_per_expiry);
  if (few_cpu > 0) {
    std::printf("CPU per expiry, 10,000 timers against 1,000: %.2f\n",
                med(many, &spread_result::cpu_per_expiry) / few_cpu);
  }

  // 3. Idle timeouts restarted by traffic.
  std::vector<evsel::socket> idle = evsel_bench::make_idle(most);
  evsel_bench::connection c = evsel_bench::connect_pair();
  const char* names[] = {"no idle timeouts", "10,000 idle, not on the pair",
                         "10,000 idle and on the pair"};
  std::vector<double> trips[3];
  for (unsigned long long rep = 0; rep < repetitions; ++rep) {
    for (std::size_t j = 0; j < 3; ++j) {
      const std::size_t which = (j + rep) % 3;
      trips[which].push_back(ping_pong_with_idle(idle, c, which != 0, which == 2, cycles));
    }
  }
  std::printf("\n%-32s %16s %14s\n", "ping-pong, 64 B", "round trip (us)", "ratio to none");
  const double trip_base = median(trips[0]);
  for (std::size_t j = 0; j < 3; ++j) {
    const double m = median(trips[j]);
    std::printf("%-32s %16.2f %14.3f\n", names[j], m * 1e6, m / trip_base);
  }
  return 0;
}
