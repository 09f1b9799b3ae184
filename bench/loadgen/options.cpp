// SPDX-License-Identifier: MIT
// evsel-bench-load: the command line.
#include "options.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <unistd.h>

#include "process_usage.hpp"

namespace evsel_loadgen {

namespace {

// Bounds that keep a typing mistake from asking for terabytes: every connection keeps one
// send time per message in flight, and a message is sent straight from the shared tape.
constexpr unsigned long long max_connections = 1000000;
constexpr unsigned long long max_depth = 65536;
constexpr unsigned long long max_size = 16 * 1024 * 1024;
constexpr unsigned long long max_send_times = 16 * 1024 * 1024;
constexpr double max_seconds = 86400;

void print_usage(std::FILE* to) {
  std::fprintf(
      to,
      "usage: evsel-bench-load MODE --connect ADDR:PORT [options]\n"
      "  Drives an echo server and verifies every byte it sends back; ADDR is IPv4 or [IPv6].\n"
      "modes:\n"
      "  echo      [--connections C] [--depth D] [--size S]   (100, 8, 64)\n"
      "            C connections, each keeping D messages of S bytes in flight\n"
      "  pingpong  [--connections C] [--size S]               (1, 64)\n"
      "            one message in flight per connection; round-trip latency\n"
      "  connect   [--concurrency K] [--size S]               (16, 16)\n"
      "            K attempts at once, each: connect, echo S bytes, close\n"
      "  idle      [--connections N] [--size S]               (1000, 16)\n"
      "            N connections, one round trip on each, then report (server memory)\n"
      "options:\n"
      "  --duration SECONDS  measurement window, decimals allowed (3)\n"
      "  --warmup SECONDS    traffic before the window, not counted (0.5)\n"
      "  --server-pid PID    also report the server's CPU time and memory, from /proc\n"
      "  --seed N            content of the byte streams; 0 takes one from the clock (0)\n"
      "  --help\n"
      "Prints one line, \"result key=value ...\". Exits with 1 on any failure (a byte that\n"
      "differs, a reset, 10 s without data, ...), with 2 on a bad command line.\n");
}

[[gnu::format(printf, 1, 2)]] bool bad(const char* format, ...) {
  char message[512];
  std::va_list arguments;
  va_start(arguments, format);
  std::vsnprintf(message, sizeof message, format, arguments);
  va_end(arguments);
  std::fprintf(stderr, "evsel-bench-load: %s (see --help)\n", message);
  return false;
}

bool read_count(const char* name,
                const char* text,
                unsigned long long low,
                unsigned long long high,
                std::size_t& out) {
  unsigned long long value = 0;
  const char* end = text + std::strlen(text);
  const auto [stop, ec] = std::from_chars(text, end, value);
  if (ec != std::errc{} || stop != end || stop == text || value < low || value > high) {
    return bad("%s wants a whole number from %llu to %llu, not \"%s\"", name, low, high, text);
  }
  out = static_cast<std::size_t>(value);
  return true;
}

bool read_seconds(const char* name, const char* text, bool zero_allowed, double& out) {
  char* stop = nullptr;
  const double value = std::strtod(text, &stop);
  const bool in_range = zero_allowed ? value >= 0 : value > 0;
  if (stop == text || *stop != '\0' || !std::isfinite(value) || !in_range || value > max_seconds) {
    return bad("%s wants %s seconds up to %.0f, not \"%s\"", name,
               zero_allowed ? "0 or more" : "more than 0", max_seconds, text);
  }
  out = value;
  return true;
}

bool read_mode(const char* text, mode& out) {
  const std::string_view name(text);
  if (name == "echo") {
    out = mode::echo;
  } else if (name == "pingpong") {
    out = mode::pingpong;
  } else if (name == "connect") {
    out = mode::connect;
  } else if (name == "idle") {
    out = mode::idle;
  } else {
    return bad("unknown mode \"%s\": echo, pingpong, connect or idle", text);
  }
  return true;
}

bool known_option(std::string_view name) {
  for (const char* known : {"--connect", "--connections", "--depth", "--size", "--concurrency",
                            "--duration", "--warmup", "--server-pid", "--seed"}) {
    if (name == known) return true;
  }
  return false;
}

// Which per-mode options a mode takes: a stray one is more likely a mistake than a wish.
bool option_fits(mode m, std::string_view name) {
  if (name == "--depth") return m == mode::echo;
  if (name == "--concurrency") return m == mode::connect;
  if (name == "--connections") return m != mode::connect;
  return true;
}

void apply_defaults(options& o, bool has_connections, bool has_size) {
  switch (o.run_mode) {
    case mode::echo:
      if (!has_connections) o.connections = 100;
      if (o.depth == 0) o.depth = 8;
      if (!has_size) o.size = 64;
      break;
    case mode::pingpong:
      if (!has_connections) o.connections = 1;
      o.depth = 1;
      if (!has_size) o.size = 64;
      break;
    case mode::connect:
      if (o.concurrency == 0) o.concurrency = 16;
      if (!has_size) o.size = 16;
      break;
    case mode::idle:
      if (!has_connections) o.connections = 1000;
      if (!has_size) o.size = 16;
      break;
  }
}

std::uint64_t seed_from_clock() {
  const auto ticks = std::chrono::system_clock::now().time_since_epoch().count();
  std::uint64_t seed =
      static_cast<std::uint64_t>(ticks) ^ (static_cast<std::uint64_t>(getpid()) << 40);
  // Seeds are printed and typed back in: keep them to a readable nine digits or so.
  seed %= 1000000000ULL;
  return seed == 0 ? 1 : seed;
}

bool parse(int argc, char** argv, options& o, bool& help) {
  if (argc < 2) return bad("no mode given");
  if (std::strcmp(argv[1], "--help") == 0) {
    help = true;
    return true;
  }
  if (!read_mode(argv[1], o.run_mode)) return false;
  bool has_target = false;
  bool has_connections = false;
  bool has_size = false;
  for (int i = 2; i < argc; ++i) {
    const char* option = argv[i];
    const std::string_view name(option);
    if (name == "--help") {
      help = true;
      return true;
    }
    if (!known_option(name)) return bad("unknown option \"%s\"", option);
    if (!option_fits(o.run_mode, name)) {
      return bad("%s does not apply to mode %s", option, mode_name(o.run_mode));
    }
    if (i + 1 >= argc) return bad("%s needs a value", option);
    const char* value = argv[++i];
    std::size_t number = 0;
    bool ok = true;
    if (name == "--connect") {
      ok = parse_address(value, o.target) ||
           bad("--connect wants ADDR:PORT, a numeric IPv4 or [IPv6] address, not \"%s\"", value);
      has_target = ok;
    } else if (name == "--connections") {
      ok = read_count(option, value, 1, max_connections, o.connections);
      has_connections = true;
    } else if (name == "--depth") {
      ok = read_count(option, value, 1, max_depth, o.depth);
    } else if (name == "--size") {
      ok = read_count(option, value, 1, max_size, o.size);
      has_size = true;
    } else if (name == "--concurrency") {
      ok = read_count(option, value, 1, max_connections, o.concurrency);
    } else if (name == "--duration") {
      ok = read_seconds(option, value, false, o.duration_s);
    } else if (name == "--warmup") {
      ok = read_seconds(option, value, true, o.warmup_s);
    } else if (name == "--server-pid") {
      ok = read_count(option, value, 1, 0x7fffffff, number);
      o.server_pid = static_cast<int>(number);
    } else {  // --seed
      unsigned long long seed = 0;
      const char* end = value + std::strlen(value);
      const auto [stop, ec] = std::from_chars(value, end, seed);
      ok = (ec == std::errc{} && stop == end && stop != value) ||
           bad("--seed wants a whole number, not \"%s\"", value);
      o.seed = seed;
    }
    if (!ok) return false;
  }
  if (!has_target) return bad("--connect ADDR:PORT is required");
  apply_defaults(o, has_connections, has_size);
  if (o.run_mode == mode::echo &&
      static_cast<unsigned long long>(o.connections) * o.depth > max_send_times) {
    return bad("--connections times --depth may not exceed %llu", max_send_times);
  }
  double cpu_seconds = 0;
  if (o.server_pid != 0 && !evsel_examples::read_cpu_seconds(o.server_pid, cpu_seconds)) {
    return bad("--server-pid %d: no such process (/proc/%d/stat cannot be read)", o.server_pid,
               o.server_pid);
  }
  if (o.seed == 0) o.seed = seed_from_clock();
  return true;
}

}  // namespace

const char* mode_name(mode m) noexcept {
  switch (m) {
    case mode::echo:
      return "echo";
    case mode::pingpong:
      return "pingpong";
    case mode::connect:
      return "connect";
    case mode::idle:
      return "idle";
  }
  return "?";
}

parse_outcome parse_options(int argc, char** argv, options& out) {
  options parsed;
  bool help = false;
  if (!parse(argc, argv, parsed, help)) return parse_outcome::bad;
  if (help) {
    print_usage(stdout);
    return parse_outcome::help_shown;
  }
  out = std::move(parsed);
  return parse_outcome::run;
}

}  // namespace evsel_loadgen
