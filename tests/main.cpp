// SPDX-License-Identifier: MIT
// evsel: test runner; prints which backend and platform the results belong to.
#define CATCH_CONFIG_RUNNER
#include <cstdio>

#include <evsel/poller.hpp>
#include <evsel/version.hpp>

#include "support/catch.hpp"
#include "support/harness.hpp"

namespace {

// Whether the command line asks for a listing only. Test discovery reads the listing on
// stdout (v2: --list-test-names-only, v3: --list-tests --verbosity quiet); the banner goes to
// stderr anyway, and is left out so that a build does not print it for every discovery.
bool listing_only(const Catch::ConfigData& config) {
#if EVSEL_CATCH2_MAJOR < 3
  if (config.listTestNamesOnly) return true;
#else
  if (config.listListeners) return true;
#endif
  return config.listTests || config.listTags || config.listReporters;
}

}  // namespace

int main(int argc, char** argv) {
  Catch::Session session;
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  if (!listing_only(session.configData())) {
    std::fprintf(stderr, "evsel %s, backend %s, %s%s\n", EVSEL_VERSION_STRING,
                 evsel::poller::backend_name(), evsel_test::platform_name(),
                 evsel_test::is_wine() ? " (under Wine)" : "");
  }
  return session.run();
}
