// SPDX-License-Identifier: MIT
// evsel-bench-load: load generator for echo servers; every byte it gets back is verified.
#include "failure.hpp"
#include "modes.hpp"
#include "options.hpp"
#include "result_line.hpp"
#include "run_clock.hpp"

int main(int argc, char** argv) {
  using namespace evsel_loadgen;
  options o;
  switch (parse_options(argc, argv, o)) {
    case parse_outcome::help_shown:
      return 0;
    case parse_outcome::bad:
      return 2;
    case parse_outcome::run:
      break;
  }
  note_seed_for_failures(o.seed);
  run_clock clock(o.warmup_s, o.duration_s);
  result_line line;
  switch (o.run_mode) {
    case mode::echo:
    case mode::pingpong:
      line = run_stream_mode(o, clock);
      break;
    case mode::connect:
      line = run_connect_mode(o, clock);
      break;
    case mode::idle:
      line = run_idle_mode(o, clock);
      break;
  }
  line.add("seed", o.seed);
  line.print();
  return 0;
}
