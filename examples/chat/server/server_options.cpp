// SPDX-License-Identifier: MIT
// evsel chat server: its command line.
#include "server_options.hpp"

#include <algorithm>
#include <limits>
#include <system_error>

#include "number_argument.hpp"
#include "physical_memory.hpp"

namespace evsel::chat {
namespace {

constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max() / 4;

bool parse_count(const std::string& text, std::size_t low, std::size_t high, std::size_t& out) {
  unsigned long long value = 0;
  if (!evsel_examples::parse_number(text, low, high, value)) return false;
  out = static_cast<std::size_t>(value);
  return true;
}

bool parse_bytes(const std::string& text, std::size_t low, std::size_t& out) {
  unsigned long long bytes = 0;
  if (!evsel_examples::parse_size(text, low, unlimited, bytes)) return false;
  out = static_cast<std::size_t>(bytes);
  return true;
}

bool parse_seconds(const std::string& text,
                   std::size_t low,
                   std::size_t high,
                   std::chrono::seconds& out) {
  std::size_t seconds = 0;
  if (!parse_count(text, low, high, seconds)) return false;
  out = std::chrono::seconds(seconds);
  return true;
}

// One option that takes a value: its name, and how the value is read into the options.
struct valued_option {
  const char* name;
  const char* expects;  // for the error message
  bool (*apply)(const std::string& value, server_options& options);
};

const valued_option valued_options[] = {
    {"--listen", "an address and port such as 127.0.0.1:4567 or [::1]:4567",
     [](const std::string& v, server_options& o) {
       std::error_code ec;
       o.listen = endpoint::parse(v, ec);
       return !ec;
     }},
    {"--max-clients", "a whole number of at least 1",
     [](const std::string& v, server_options& o) {
       return parse_count(v, 1, unlimited, o.max_clients);
     }},
    {"--max-line", "a whole number from 16 to 1048576",
     [](const std::string& v, server_options& o) {
       return parse_count(v, 16, 1024 * 1024, o.max_line);
     }},
    {"--max-queue", "a size of at least 1024, such as 1048576 or 1M",
     [](const std::string& v, server_options& o) { return parse_bytes(v, 1024, o.max_queue); }},
    {"--line-timeout", "a whole number from 1 to 86400",
     [](const std::string& v, server_options& o) {
       return parse_seconds(v, 1, 86400, o.line_timeout);
     }},
    {"--idle-timeout", "a whole number from 0 to 86400",
     [](const std::string& v, server_options& o) {
       return parse_seconds(v, 0, 86400, o.idle_timeout);
     }},
    {"--keepalive", "a whole number from 0 to 7200",
     [](const std::string& v, server_options& o) {
       return parse_seconds(v, 0, 7200, o.keepalive);
     }},
    {"--max-rate", "a whole number from 0 to 1000000",
     [](const std::string& v, server_options& o) {
       return parse_count(v, 0, 1000000, o.max_rate);
     }},
    {"--max-per-address", "a whole number from 0 to 1000000",
     [](const std::string& v, server_options& o) {
       return parse_count(v, 0, 1000000, o.max_per_address);
     }},
    {"--max-connect-rate", "a whole number from 0 to 1000000",
     [](const std::string& v, server_options& o) {
       return parse_count(v, 0, 1000000, o.max_connect_rate);
     }},
    {"--max-notices", "a whole number from 0 to 1000000",
     [](const std::string& v, server_options& o) {
       return parse_count(v, 0, 1000000, o.max_notices);
     }},
    {"--max-memory", "a size of at least 1M, such as 268435456, 256M or 1G",
     [](const std::string& v, server_options& o) {
       return parse_bytes(v, std::size_t{1} << 20, o.max_memory);
     }},
};

}  // namespace

std::size_t default_memory_budget() {
  constexpr unsigned long long preferred = 256ULL << 20;
  constexpr unsigned long long smallest = 16ULL << 20;
  const unsigned long long physical = evsel_examples::physical_memory_bytes();
  unsigned long long budget = preferred;
  if (physical != 0) budget = std::min(budget, std::max(smallest, physical / 4));
  return static_cast<std::size_t>(budget);
}

std::string server_usage() {
  return "usage: evsel-chat-server [options]\n"
         "  --listen ADDR:PORT   address to listen on (default 127.0.0.1:4567; IPv6 as "
         "[::1]:4567)\n"
         "  --max-clients N      clients in the room at once (default 10000)\n"
         "  --max-line BYTES     longest line a client may send (default 1024)\n"
         "  --line-timeout SECONDS  time a client has to finish a line it began before it is\n"
         "                       disconnected (default 60)\n"
         "  --idle-timeout SECONDS  time a new client has to finish its first line before it\n"
         "                       is disconnected (default 60; 0: no limit)\n"
         "  --keepalive SECONDS  TCP keep-alive on client sockets: probes after this much\n"
         "                       silence, so a client that vanished is noticed within about\n"
         "                       twice this (default 60; 0: off)\n"
         "  --max-rate LINES     lines a client may send per second (as many at once) before\n"
         "                       it is disconnected as a flooder (default 0: no limit)\n"
         "  --max-queue BYTES    unsent output a client may fall behind by before it is\n"
         "                       disconnected (suffixes K, M, G; default 1M)\n"
         "  --max-per-address N  connections one address (IPv6: one /64) may hold at once;\n"
         "                       more are turned away (default 16; 0: no limit)\n"
         "  --max-connect-rate N connections one address may open per second, as many at\n"
         "                       once (default 20; 0: no limit)\n"
         "  --max-notices N      join and leave lines a second; beyond them the members get\n"
         "                       one summary line a second (default 10; 0: no limit)\n"
         "  --max-memory BYTES   memory for all clients' queued lines and the kernel buffers\n"
         "                       they fill (suffixes K, M, G); when it is spent the clients\n"
         "                       furthest behind are disconnected and newcomers turned away\n"
         "                       (default 256M, or a quarter of physical memory if less)\n"
         "  --quiet              no log of connects, disconnects and errors on stderr\n"
         "  --help, --version\n"
         "Connect with: nc 127.0.0.1 4567 (or telnet); type /help once connected.\n";
}

parsed_command_line parse_server_command_line(const std::vector<std::string>& args) {
  parsed_command_line result;
  server_options& options = result.options;
  auto fail = [&result](std::string message) {
    result.what = parsed_command_line::action::error;
    result.error = std::move(message);
    return result;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      result.what = parsed_command_line::action::help;
      return result;
    }
    if (arg == "--version") {
      result.what = parsed_command_line::action::version;
      return result;
    }
    if (arg == "--quiet") {
      options.quiet = true;
      continue;
    }
    const auto option = std::find_if(std::begin(valued_options), std::end(valued_options),
                                     [&arg](const valued_option& o) { return arg == o.name; });
    if (option == std::end(valued_options))
      return fail("unknown option '" + arg + "' (see --help)");
    if (i + 1 == args.size()) return fail(arg + " needs a value");
    const std::string& value = args[++i];
    if (!option->apply(value, options)) {
      return fail(arg + ": '" + value + "' is not " + option->expects);
    }
  }
  // Any one line must fit in a queue: a message of max_line bytes may grow threefold when
  // invalid bytes become U+FFFD, plus the nick around it; /who is bounded to under 4 KiB.
  const std::size_t one_line = 3 * options.max_line + 4096;
  if (options.max_queue < one_line) {
    return fail("--max-queue must be at least 3 x --max-line + 4096 (here " +
                std::to_string(one_line) + ") so that any one line fits");
  }
  if (options.max_memory == 0) options.max_memory = default_memory_budget();
  return result;
}

}  // namespace evsel::chat
