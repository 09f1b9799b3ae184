// SPDX-License-Identifier: MIT
// evsel: what the tests need to know about the platform they run on.
#include "harness.hpp"

#if defined(_WIN32)
#include <windows.h>
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

}  // namespace evsel_test
