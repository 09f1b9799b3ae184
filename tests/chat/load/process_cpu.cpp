// SPDX-License-Identifier: MIT
// evsel chat load test: the processor time another process has used, to weigh a server.
#include "process_cpu.hpp"

#if defined(__linux__)
#include <fstream>
#include <iterator>
#include <sstream>

#include <unistd.h>
#endif

namespace evsel_chat_load {

#if defined(__linux__)

double process_cpu_seconds(unsigned long long pid, std::string& error) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  std::ifstream file(path);
  const std::string stat((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so the fields are
  // counted from the last ')'. utime and stime are fields 14 and 15, in clock ticks.
  const std::size_t comm_end = stat.rfind(')');
  if (comm_end == std::string::npos) {
    error = "cannot read " + path;
    return -1;
  }
  std::istringstream fields(stat.substr(comm_end + 1));
  std::string skipped;
  for (int field = 3; field < 14 && fields >> skipped; ++field) {
  }
  unsigned long long user = 0;
  unsigned long long system = 0;
  const long ticks = sysconf(_SC_CLK_TCK);
  if (!(fields >> user >> system) || ticks <= 0) {
    error = "cannot make sense of " + path;
    return -1;
  }
  return static_cast<double>(user + system) / static_cast<double>(ticks);
}

#else

double process_cpu_seconds(unsigned long long, std::string& error) {
  error = "a process's processor time is known only on Linux";
  return -1;
}

#endif

}  // namespace evsel_chat_load
