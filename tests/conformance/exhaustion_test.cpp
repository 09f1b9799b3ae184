// SPDX-License-Identifier: MIT
// evsel: accept when descriptors run out (docs/semantics.md, "Running out of descriptors").
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <evsel/testing.hpp>

#include "support/catch.hpp"
#include "support/harness.hpp"

using namespace evsel_test;
using evsel::event;
using clock_type = std::chrono::steady_clock;

namespace {

// What happened while descriptors were exhausted. Nothing in the window itself uses Catch's
// assertions: a sanitizer runtime may need a descriptor to check one (UBSan's vptr check
// opens a pipe), so the checks come after the descriptors are back. (For the same reason
// descriptor_exhaustion runs a wait before taking them: see platform.cpp.)
struct fault_window_outcome {
  std::error_code wait_error;
  bool first_reported = false;
  std::error_code first_accept_error;
  std::vector<clock_type::time_point> reports;
  std::vector<std::error_code> accept_errors;  // of the later reports
  bool unexpected_record = false;
  double cpu_used = 0;
};

// Waits `window`, accepting on every accept report.
void accept_through(evsel::poller& poller,
                    evsel::socket& listener,
                    ms window,
                    fault_window_outcome& out) {
  evsel::ready_record records[4];
  const double cpu_before = process_cpu_seconds();
  const auto until = clock_type::now() + window;
  while (clock_type::now() < until && !out.wait_error) {
    const std::size_t n = poller.wait(records, 4, 50ms, out.wait_error);
    for (std::size_t i = 0; i < n; ++i) {
      if (records[i].context != &listener || records[i].occurred != event::accept) {
        out.unexpected_record = true;
        continue;
      }
      out.reports.push_back(clock_type::now());
      std::error_code ec;
      (void)listener.accept(ec);
      out.accept_errors.push_back(ec);
    }
  }
  out.cpu_used = process_cpu_seconds() - cpu_before;
}

// A listener with one connection queued, registered for accept, the accept reported.
struct reported_listener {
  evsel::socket listener = make_listener();
  evsel::socket client = start_connect(listener);
  evsel::poller poller;
  event_log log{poller};

  reported_listener() {
    REQUIRE_FALSE(poller.add(listener, event::accept, &listener));
    REQUIRE(log.next(&listener).occurred == event::accept);
  }
};

}  // namespace

TEST_CASE("Without descriptors accept fails clearly, rests without spinning, then resumes",
          "[conformance][faults][exhaustion]") {
  evsel::socket listener = make_listener();
  evsel::socket client = start_connect(listener);
  evsel::poller poller;
  event_log log(poller);
  REQUIRE_FALSE(poller.add(listener, event::accept, &listener));
  fault_window_outcome seen;
  {
    const descriptor_exhaustion no_descriptors;
    evsel::ready_record first;
    const auto until = clock_type::now() + expect_window;
    while (!seen.first_reported && !seen.wait_error && clock_type::now() < until) {
      seen.first_reported = poller.wait(&first, 1, 100ms, seen.wait_error) == 1 &&
                            first.context == &listener && first.occurred == event::accept;
    }
    if (seen.first_reported) {
      (void)listener.accept(seen.first_accept_error);
      // The fault window: the connection stays queued and every accept fails. A level-
      // triggered listener would be reported again at once, every time (a busy loop);
      // evsel rests it 50 ms, then 100, 200, 400 (doubling, at most 1 s).
      accept_through(poller, listener, 1s, seen);
    }
  }
  REQUIRE_FALSE(seen.wait_error);
  REQUIRE(seen.first_reported);
  CHECK(seen.first_accept_error == evsel::errc::too_many_files_open);
  CHECK_FALSE(seen.unexpected_record);
  INFO("accept reports in 1 s: " << seen.reports.size() << ", CPU " << seen.cpu_used << " s");
  CHECK(seen.reports.size() >= 2);
  CHECK(seen.reports.size() <= 6);
  CHECK(seen.cpu_used < idle_cpu_share);
  for (const std::error_code& ec : seen.accept_errors) {
    CHECK(ec == evsel::errc::too_many_files_open);
  }
  // No rest is shorter than the first (50 ms).
  auto shortest = clock_type::duration::max();
  for (std::size_t i = 1; i < seen.reports.size(); ++i) {
    shortest = std::min(shortest, seen.reports[i] - seen.reports[i - 1]);
  }
  CHECK(shortest >= 50ms);
  // Descriptors are back: the listener is reported again by itself, within the last rest.
  REQUIRE(log.next(&listener, 3s).occurred == event::accept);
  std::error_code ec;
  evsel::socket accepted = listener.accept(ec);
  REQUIRE_FALSE(ec);
  CHECK(accepted.is_open());
  // The rest is over for good: a new connection is reported as usual.
  evsel::socket second = start_connect(listener);
  CHECK(log.next(&listener).occurred == event::accept);
  CHECK(listener.accept(ec).is_open());
}

TEST_CASE("An accept failing for want of buffers rests too, other failures do not",
          "[conformance][faults][exhaustion]") {
  reported_listener setup;
  evsel::socket& listener = setup.listener;
  event_log& log = setup.log;

  // Out of buffers: rests (no report within the first rest's 50 ms, nor at once).
  evsel::testing::fail_next_accepts(1, make_error_code(std::errc::no_buffer_space));
  std::error_code ec;
  CHECK_FALSE(listener.accept(ec).is_open());
  CHECK(ec == evsel::errc::no_buffer_space);
  const auto failed_at = clock_type::now();
  const auto record = log.first(&listener);
  const auto reported_at = clock_type::now();
  REQUIRE(record);
  CHECK(record->occurred == event::accept);
  CHECK(reported_at - failed_at >= 50ms);

  // Any other failure (a connection aborted before it was taken, say) is the caller's
  // business: the connection still queued is reported again after the re-enabling call.
  evsel::testing::fail_next_accepts(1, make_error_code(std::errc::connection_aborted));
  CHECK_FALSE(listener.accept(ec).is_open());
  CHECK(ec == evsel::errc::connection_aborted);
  CHECK(log.next(&listener).occurred == event::accept);
  CHECK(listener.accept(ec).is_open());
  CHECK_FALSE(ec);
  CHECK(log.quiet(&listener).occurred == event::none);
}

TEST_CASE("A listener removed while it rests is registered again without the rest",
          "[conformance][faults][exhaustion]") {
  reported_listener setup;
  evsel::socket& listener = setup.listener;
  event_log& log = setup.log;
  evsel::testing::fail_next_accepts(1, make_error_code(std::errc::too_many_files_open));
  std::error_code ec;
  CHECK_FALSE(listener.accept(ec).is_open());
  REQUIRE_FALSE(setup.poller.remove(listener));
  // Re-enabled by the failed accept, and the rest went with the registration.
  REQUIRE_FALSE(setup.poller.add(listener, event::accept, &listener));
  CHECK(log.next(&listener, 40ms).occurred == event::accept);
  CHECK(listener.accept(ec).is_open());
}

TEST_CASE("A rest begun while another thread waits ends by itself, without a wake",
          "[conformance][faults][exhaustion][threads]") {
  reported_listener setup;
  std::atomic<bool> reported{false};
  std::error_code wait_error;
  clock_type::time_point reported_at{};
  // The accept reported during setup stays disabled until the accept below re-enables it.
  std::thread waiter([&] {
    evsel::ready_record record;
    const auto until = clock_type::now() + 5s;
    while (!reported && !wait_error && clock_type::now() < until) {
      if (setup.poller.wait(&record, 1, 5s, wait_error) == 1) {
        reported_at = clock_type::now();
        reported = record.occurred == event::accept;
      }
    }
  });
  std::this_thread::sleep_for(200ms);  // the waiter blocks
  evsel::testing::fail_next_accepts(1, make_error_code(std::errc::too_many_files_open));
  std::error_code ec;
  const auto failed_at = clock_type::now();
  CHECK_FALSE(setup.listener.accept(ec).is_open());
  CHECK(ec == evsel::errc::too_many_files_open);
  waiter.join();
  REQUIRE_FALSE(wait_error);
  REQUIRE(reported);
  // The first rest is 50 ms; a wait that learnt of it only at its own timeout took 5 s.
  CHECK(reported_at - failed_at >= 50ms);
  CHECK(reported_at - failed_at < 1s);
}

TEST_CASE("An accept that fails after a report: reported again, then idle, then the next",
          "[conformance][faults][accept]") {
  // An accept finding nothing right after a report is what Wine's stale reports look like
  // (W10); there the native backend has to look at the listener itself. Here the accept
  // fails by injection while the connection is still queued, so the OS never re-enables
  // accept either: only evsel can report it again. Then nothing may spin.
  reported_listener setup;
  evsel::socket& listener = setup.listener;
  evsel::poller& poller = setup.poller;
  event_log& log = setup.log;
  std::error_code ec;
  evsel::socket taken = listener.accept(ec);
  REQUIRE_FALSE(ec);
  CHECK(log.quiet(&listener).occurred == event::none);
  // A report, and an accept that fails as one with nothing to take.
  evsel::socket second = start_connect(listener);
  REQUIRE(log.next(&listener).occurred == event::accept);
  evsel::testing::fail_next_accepts(1, make_error_code(std::errc::resource_unavailable_try_again));
  CHECK_FALSE(listener.accept(ec).is_open());
  CHECK(ec == evsel::errc::would_block);
  // The connection is still queued and accept was re-enabled: it is reported again.
  CHECK(log.next(&listener).occurred == event::accept);
  CHECK(listener.accept(ec).is_open());
  // Idle for a second with accept re-enabled and nothing queued: no record, no CPU.
  int records = 0;
  const double cpu = wait_through(poller, 1s, [&](const evsel::ready_record&) { ++records; });
  CHECK(records == 0);
  INFO("CPU over an idle second: " << cpu << " s");
  CHECK(cpu < idle_cpu_share);
  // And the next connection is reported.
  evsel::socket third = start_connect(listener);
  CHECK(log.next(&listener).occurred == event::accept);
}
