// SPDX-License-Identifier: MIT
// evsel chat attack tool: its command line.
#include "attack_options.hpp"

#include <system_error>

#include "number_argument.hpp"

namespace evsel_chat_attack {

using evsel_examples::parse_number;

const char* attack_usage() {
  return "usage: evsel-chat-attack --server ADDR:PORT --mode MODE [--clients N] [--seconds S]\n"
         "                         [--bytes B] [--hold-ms MIN-MAX] [--sources K]\n"
         "                         [--first-source F] [--seed N]\n"
         "  Hostile clients for an evsel chat server; N of them at once, for S seconds.\n"
         "  --sources K, --first-source F: client i connects from 127.0.0.(F + i % K)\n"
         "  (IPv4 servers only; by default the OS picks the address).\n"
         "  Modes:\n"
         "    reset-mid-line  each streams an unterminated line for a random time within\n"
         "                    --hold-ms (default 900-1500), then resets the connection\n"
         "                    (SO_LINGER 0); a new one takes its place until the time is up\n"
         "    silent          each connects and never sends a byte; reads what comes; ends\n"
         "                    once the server has closed every one (status 1 if it did not)\n"
         "    non-readers     each connects and never reads (a 4 KiB receive buffer)\n"
         "    partial-lines   each sends B bytes without a line end, then holds\n"
         "    churn           connects, waits for the server's first line, closes, again\n"
         "    members         each joins and reads everything\n"
         "  Prints one line \"attack key=value ...\" at the end; exit status 0 unless the\n"
         "  server was unreachable or (silent) kept a connection open.\n";
}

namespace {

bool parse_mode(const std::string& text, attack_mode& out) {
  static const struct {
    const char* name;
    attack_mode mode;
  } modes[] = {{"reset-mid-line", attack_mode::reset_mid_line},
               {"silent", attack_mode::silent},
               {"non-readers", attack_mode::non_readers},
               {"partial-lines", attack_mode::partial_lines},
               {"churn", attack_mode::churn},
               {"members", attack_mode::members}};
  for (const auto& m : modes) {
    if (text == m.name) {
      out = m.mode;
      return true;
    }
  }
  return false;
}

bool parse_range(const std::string& text,
                 std::chrono::milliseconds& low,
                 std::chrono::milliseconds& high) {
  const std::size_t dash = text.find('-');
  unsigned long long a = 0;
  unsigned long long b = 0;
  if (dash == std::string::npos || !parse_number(text.substr(0, dash), 1, 600000, a) ||
      !parse_number(text.substr(dash + 1), a, 600000, b)) {
    return false;
  }
  low = std::chrono::milliseconds(a);
  high = std::chrono::milliseconds(b);
  return true;
}

}  // namespace

std::string parse_attack_options(const std::vector<std::string>& args, attack_options& out) {
  bool have_server = false;
  bool have_mode = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (i + 1 == args.size()) return "unknown option or missing value: " + arg;
    const std::string& value = args[++i];
    unsigned long long number = 0;
    if (arg == "--server") {
      std::error_code ec;
      out.server = evsel::endpoint::parse(value, ec);
      if (ec) return "--server: not ADDR:PORT: " + value;
      have_server = true;
    } else if (arg == "--mode") {
      if (!parse_mode(value, out.mode)) return "--mode: unknown mode " + value;
      have_mode = true;
    } else if (arg == "--clients" && parse_number(value, 1, 100000, number)) {
      out.clients = number;
    } else if (arg == "--seconds" && parse_number(value, 1, 3600, number)) {
      out.duration = std::chrono::seconds(number);
    } else if (arg == "--bytes" && parse_number(value, 1, 64 * 1024 * 1024, number)) {
      out.bytes = number;
    } else if (arg == "--sources" && parse_number(value, 1, 254, number)) {
      out.sources = number;
    } else if (arg == "--first-source" && parse_number(value, 1, 254, number)) {
      out.first_source = number;
    } else if (arg == "--hold-ms") {
      if (!parse_range(value, out.hold_min, out.hold_max)) {
        return "--hold-ms: not MIN-MAX in milliseconds: " + value;
      }
    } else if (arg == "--seed" && parse_number(value, 1, ~0ULL, number)) {
      out.seed = number;
    } else {
      return "bad option or value: " + arg + " " + value;
    }
  }
  if (!have_server) return "--server is required";
  if (!have_mode) return "--mode is required";
  const bool binds = out.sources > 1 || out.first_source != 1;
  if (binds && out.server.family() != evsel::address_family::ipv4) {
    return "--sources, --first-source: only for an IPv4 server";
  }
  if (out.first_source + out.sources - 1 > 254) return "--first-source + --sources: beyond .254";
  return {};
}

}  // namespace evsel_chat_attack
