// SPDX-License-Identifier: MIT
// evsel: test runner; prints which backend and platform the results belong to.
#define CATCH_CONFIG_RUNNER
#include <cstdio>

#include <evsel/poller.hpp>
#include <evsel/version.hpp>

#include "support/catch.hpp"
#include "support/harness.hpp"

int main(int argc, char** argv) {
  Catch::Session session;
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  if (!evsel_test::listing_only(session.configData())) {
    std::fprintf(stderr, "evsel %s, backend %s, %s%s\n", EVSEL_VERSION_STRING,
                 evsel::poller::backend_name(), evsel_test::platform_name(),
                 evsel_test::is_wine() ? " (under Wine)" : "");
  }
  return session.run();
}
