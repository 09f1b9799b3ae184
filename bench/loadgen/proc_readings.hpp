// SPDX-License-Identifier: MIT
// evsel-bench-load: what /proc says about a process: CPU time and resident memory.
#pragma once

#include <cstdint>

namespace evsel_loadgen {

// User plus system time the process has used so far (/proc/PID/stat, fields 14 and 15).
// Its resolution is one clock tick, usually 10 ms.
bool read_cpu_seconds(int pid, double& seconds);

// Resident memory, VmRSS in /proc/PID/status.
bool read_rss_kib(int pid, std::uint64_t& kib);

// User plus system time this process has used so far.
double own_cpu_seconds();

}  // namespace evsel_loadgen
