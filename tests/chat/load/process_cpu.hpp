// SPDX-License-Identifier: MIT
// evsel chat load test: the processor time another process has used, to weigh a server.
#pragma once

#include <string>

namespace evsel_chat_load {

// Only Linux tells it, in /proc/PID/stat.
#if defined(__linux__)
constexpr bool process_cpu_supported = true;
#else
constexpr bool process_cpu_supported = false;
#endif

// The user and system time process `pid` has used so far, in seconds, or a negative value
// with `error` saying why not.
double process_cpu_seconds(unsigned long long pid, std::string& error);

}  // namespace evsel_chat_load
