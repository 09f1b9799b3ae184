// SPDX-License-Identifier: MIT
// evsel-bench-load: the command line.
#pragma once

#include <cstddef>
#include <cstdint>

#include "address.hpp"

namespace evsel_loadgen {

enum class mode { echo, pingpong, connect, idle };

const char* mode_name(mode m) noexcept;

struct options {
  mode run_mode = mode::echo;
  address target;
  std::size_t connections = 0;  // echo, pingpong, idle
  std::size_t depth = 0;        // echo: messages in flight per connection
  std::size_t size = 0;         // bytes per message
  std::size_t concurrency = 0;  // connect: attempts in flight
  double duration_s = 3.0;
  double warmup_s = 0.5;
  int server_pid = 0;  // 0: no readings of the server
  std::uint64_t seed = 0;
};

enum class parse_outcome { run, help_shown, bad };

// Fills `out` from argv, with each mode's defaults for what is not given and a seed taken
// from the clock for --seed 0. Prints the usage for --help and a one-line reason when the
// command line is bad.
parse_outcome parse_options(int argc, char** argv, options& out);

}  // namespace evsel_loadgen
