// SPDX-License-Identifier: MIT
// evsel tools: what Linux's /proc says about another process: CPU time and resident memory.
#include "process_usage.hpp"

#if defined(__linux__)
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>
#endif

namespace evsel_examples {

#if defined(__linux__)

namespace {

// Reads a small /proc file whole; its contents are produced in one go by the kernel.
bool read_proc_file(long pid, const char* name, char* text, std::size_t capacity) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%ld/%s", pid, name);
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::size_t length = 0;
  while (length + 1 < capacity) {
    const ssize_t n = read(fd, text + length, capacity - 1 - length);
    if (n <= 0) break;
    length += static_cast<std::size_t>(n);
  }
  close(fd);
  text[length] = '\0';
  return length > 0;
}

}  // namespace

bool read_cpu_seconds(long pid, double& seconds) {
  char text[2048];
  if (!read_proc_file(pid, "stat", text, sizeof text)) return false;
  // The command name (field 2) may hold spaces and parentheses: count from its last ')'.
  const char* cursor = std::strrchr(text, ')');
  if (cursor == nullptr) return false;
  ++cursor;
  unsigned long long ticks[2] = {0, 0};
  for (int field = 3; field <= 15; ++field) {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(cursor, &end, 10);
    if (field >= 14) {
      if (end == cursor) return false;
      ticks[field - 14] = value;
    }
    // Field 3 is a letter (the state), which strtoull does not consume: skip words by hand.
    while (*cursor == ' ') ++cursor;
    while (*cursor != ' ' && *cursor != '\0') ++cursor;
  }
  const long per_second = sysconf(_SC_CLK_TCK);
  if (per_second <= 0) return false;
  seconds = static_cast<double>(ticks[0] + ticks[1]) / static_cast<double>(per_second);
  return true;
}

bool read_rss_kib(long pid, std::uint64_t& kib) {
  char text[4096];
  if (!read_proc_file(pid, "status", text, sizeof text)) return false;
  const char* line = std::strstr(text, "\nVmRSS:");
  if (line == nullptr) return false;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(line + 7, &end, 10);
  if (end == line + 7) return false;
  kib = value;
  return true;
}

#else

bool read_cpu_seconds(long /*pid*/, double& /*seconds*/) {
  return false;
}
bool read_rss_kib(long /*pid*/, std::uint64_t& /*kib*/) {
  return false;
}

#endif

}  // namespace evsel_examples
