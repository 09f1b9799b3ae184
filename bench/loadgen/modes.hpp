// SPDX-License-Identifier: MIT
// evsel-bench-load: the four ways of loading a server; each returns its result line.
#pragma once

#include "options.hpp"
#include "result_line.hpp"
#include "run_clock.hpp"

namespace evsel_loadgen {

// echo and pingpong: persistent connections, each with `depth` messages in flight.
result_line run_stream_mode(const options& o, run_clock& clock);

// connect: short connections, each connect, echo, close.
result_line run_connect_mode(const options& o, run_clock& clock);

// idle: many connections, one round trip each, then the server's memory.
result_line run_idle_mode(const options& o, run_clock& clock);

}  // namespace evsel_loadgen
