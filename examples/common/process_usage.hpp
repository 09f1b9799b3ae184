// SPDX-License-Identifier: MIT
// evsel tools: what Linux's /proc says about another process: CPU time and resident memory.
#pragma once

#include <cstdint>

namespace evsel_examples {

// Only Linux tells these (in /proc); elsewhere every reading fails.
#if defined(__linux__)
constexpr bool process_usage_supported = true;
#else
constexpr bool process_usage_supported = false;
#endif

// User plus system time the process has used so far (/proc/PID/stat, fields 14 and 15).
// Its resolution is one clock tick, usually 10 ms. False if it cannot be read.
bool read_cpu_seconds(long pid, double& seconds);

// Resident memory, VmRSS in /proc/PID/status. False if it cannot be read.
bool read_rss_kib(long pid, std::uint64_t& kib);

}  // namespace evsel_examples
