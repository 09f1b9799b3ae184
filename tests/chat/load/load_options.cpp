// SPDX-License-Identifier: MIT
// evsel chat load test: its command line.
#include "load_options.hpp"

#include <system_error>

#include "number_argument.hpp"
#include "process_usage.hpp"

namespace evsel_chat_load {

using evsel_examples::parse_number;

constexpr unsigned long long max_pid = 4194304;  // Linux's PID_MAX_LIMIT

const char* load_usage() {
  return "usage: evsel-chat-load --server ADDR:PORT [--clients N] [--messages M]\n"
         "                       [--payload BYTES] [--slow-reader] [--timeout SECONDS]\n"
         "                       [--window LINES] [--seed N] [--server-pid PID]\n"
         "  Connects N clients to an evsel chat server; each sends M lines. Checks that every\n"
         "  line reaches every other client exactly once and in order per sender. With\n"
         "  --slow-reader one more client stops reading: the server must cut it off while\n"
         "  the others lose nothing. --window paces each sender: at most LINES of its lines\n"
         "  not yet received by every (not slow) client. Exit status 0 when everything arrived.\n"
         "  Then it prints a summary, and a line \"result\" of key=value pairs: deliveries_per_s\n"
         "  from the first line sent to the last delivery, and percentiles of the time from the\n"
         "  send call that finished a line to its receipt. --server-pid (Linux only) adds the\n"
         "  server's processor time over the same span, read from /proc/PID/stat.\n";
}

std::string parse_load_options(const std::vector<std::string>& args, load_options& out) {
  bool have_server = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--slow-reader") {
      out.slow_reader = true;
      continue;
    }
    if (i + 1 == args.size()) return "unknown option or missing value: " + arg;
    const std::string& value = args[++i];
    unsigned long long number = 0;
    if (arg == "--server") {
      std::error_code ec;
      out.server = evsel::endpoint::parse(value, ec);
      if (ec) return "--server: not ADDR:PORT: " + value;
      have_server = true;
    } else if (arg == "--clients" && parse_number(value, 2, 100000, number)) {
      out.clients = number;
    } else if (arg == "--messages" && parse_number(value, 1, 1000000, number)) {
      out.messages = number;
    } else if (arg == "--payload" && parse_number(value, 0, 900, number)) {
      out.payload = number;
    } else if (arg == "--window" && parse_number(value, 1, 1000000, number)) {
      out.window = number;
    } else if (arg == "--timeout" && parse_number(value, 1, 86400, number)) {
      out.timeout = std::chrono::seconds(number);
    } else if (arg == "--seed" && parse_number(value, 1, ~0ULL, number)) {
      out.seed = number;
    } else if (arg == "--server-pid") {
      if (!evsel_examples::process_usage_supported) {
        return "--server-pid: only on Linux, which tells a process's processor time in /proc";
      }
      if (!parse_number(value, 1, max_pid, number)) {
        return "--server-pid: not a process id: " + value;
      }
      out.server_pid = number;
    } else {
      return "bad option or value: " + arg + " " + value;
    }
  }
  if (!have_server) return "--server is required";
  return {};
}

}  // namespace evsel_chat_load
