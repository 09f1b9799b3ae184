// SPDX-License-Identifier: MIT
// evsel: Catch2 for the test sources, v2's single header or v3's headers, whichever
// cmake/catch2.cmake chose (EVSEL_CATCH2_MAJOR). The sources are written against v3's names;
// the few that v2 spells otherwise are defined here for v2. The runner (tests/main.cpp)
// defines CATCH_CONFIG_RUNNER first, which makes v2's header compile the runner and brings in
// v3's Catch::Session.
#pragma once

#if EVSEL_CATCH2_MAJOR == 3

#include <catch2/catch_message.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#ifdef CATCH_CONFIG_RUNNER
#include <catch2/catch_session.hpp>
#endif

#elif EVSEL_CATCH2_MAJOR == 2

#include <string>

#include <catch2/catch.hpp>

namespace Catch::Matchers {
// v3's name for v2's Contains (v3 gave Contains to the range matcher).
inline StdString::ContainsMatcher ContainsSubstring(
    const std::string& str, CaseSensitive::Choice case_sensitivity = CaseSensitive::Yes) {
  return Contains(str, case_sensitivity);
}
}  // namespace Catch::Matchers

#else
#error "EVSEL_CATCH2_MAJOR must be 2 or 3 (cmake/catch2.cmake defines it)"
#endif

#ifdef CATCH_CONFIG_RUNNER
namespace evsel_test {
// Whether the command line asks for a listing only. Test discovery reads the listing on
// stdout (v2: --list-test-names-only, v3: --list-tests --verbosity quiet); a runner's banner
// goes to stderr anyway, and is left out so that a build does not print it for every
// discovery.
inline bool listing_only(const Catch::ConfigData& config) {
#if EVSEL_CATCH2_MAJOR < 3
  if (config.listTestNamesOnly) return true;
#else
  if (config.listListeners) return true;
#endif
  return config.listTests || config.listTags || config.listReporters;
}
}  // namespace evsel_test
#endif
