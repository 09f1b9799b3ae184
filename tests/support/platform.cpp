// SPDX-License-Identifier: MIT
// evsel: what the tests need to know about the platform they run on.
#include <string>

#include <catch2/catch.hpp>

#include "harness.hpp"

#if defined(_WIN32)
#include <windows.h>
#else
#include <sys/resource.h>
#endif

namespace evsel_test {

bool is_wine() {
#if defined(_WIN32)
  // Wine's ntdll exports wine_get_version; Windows' does not.
  const HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  return ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
#else
  return false;
#endif
}

const char* platform_name() {
#if defined(_WIN32)
  return "Windows";
#elif defined(__APPLE__)
  return "macOS";
#elif defined(__linux__)
  return "Linux";
#else
  return "POSIX";
#endif
}

void raise_descriptor_limit(std::size_t descriptors) {
#if defined(_WIN32)
  (void)descriptors;  // Windows has no per-process socket limit to raise
#else
  rlimit limit{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < descriptors) {
    INFO("RLIMIT_NOFILE hard limit " << limit.rlim_max << ", needed " << descriptors);
    REQUIRE((limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= descriptors));
    limit.rlim_cur = static_cast<rlim_t>(descriptors);
    REQUIRE(setrlimit(RLIMIT_NOFILE, &limit) == 0);
  }
#endif
}

}  // namespace evsel_test
