// SPDX-License-Identifier: MIT
// evsel benchmarks: what the in-process benchmarks share: failing loudly, a connected pair,
// idle sockets, a ping-pong loop and medians.
#pragma once

#include <cstddef>
#include <string>
#include <system_error>
#include <vector>

#include <evsel/evsel.hpp>

namespace evsel_bench {

[[noreturn]] void die(const char* program, const std::string& what, const std::error_code& ec = {});
// Ends the program with `what` and the error's message if `ec` is set.
void check(const std::error_code& ec, const char* what);

// Idle sockets: bound UDP sockets that never receive anything (one descriptor each, so
// 10,000 fit in one process next to everything else).
std::vector<evsel::socket> make_idle(std::size_t count);

struct connection {
  evsel::socket client;
  evsel::socket server;
};
// A loopback TCP connection, both ends with no delay.
connection connect_pair();

// Seconds per round trip of `size` bytes over `trips` trips: the client sends, the server
// echoes, both registered with `poller` for read with their own socket as the context.
double ping_pong(evsel::poller& poller, connection& c, std::size_t trips, std::size_t size);

double median(std::vector<double> values);

// This process's id, for reading its own CPU time and memory (process_usage.hpp).
long own_pid();

}  // namespace evsel_bench
