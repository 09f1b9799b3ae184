// SPDX-License-Identifier: MIT
// evsel examples: how much physical memory the machine has, to derive default limits from.
#include "physical_memory.hpp"

#include "windows_api.hpp"

#if !defined(_WIN32)
#include <unistd.h>
#endif

namespace evsel_examples {

unsigned long long physical_memory_bytes() noexcept {
#if defined(_WIN32)
  MEMORYSTATUSEX status{};
  status.dwLength = sizeof status;
  if (!GlobalMemoryStatusEx(&status)) return 0;
  return status.ullTotalPhys;
#else
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<unsigned long long>(pages) * static_cast<unsigned long long>(page_size);
#endif
}

}  // namespace evsel_examples
