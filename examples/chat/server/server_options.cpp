// SPDX-License-Identifier: MIT
// evsel chat server: its command line.
#include "server_options.hpp"

#include <limits>
#include <system_error>

#include "number_argument.hpp"

namespace evsel::chat {
namespace {

bool parse_count(const std::string& text, std::size_t low, std::size_t high, std::size_t& out) {
  unsigned long long value = 0;
  if (!evsel_examples::parse_number(text, low, high, value)) return false;
  out = static_cast<std::size_t>(value);
  return true;
}

}  // namespace

std::string server_usage() {
  return "usage: evsel-chat-server [options]\n"
         "  --listen ADDR:PORT   address to listen on (default 127.0.0.1:4567; IPv6 as "
         "[::1]:4567)\n"
         "  --max-clients N      clients in the room at once (default 10000)\n"
         "  --max-line BYTES     longest line a client may send (default 1024)\n"
         "  --line-timeout SECONDS  time a client has to finish a line it began before it is\n"
         "                       disconnected (default 60)\n"
         "  --max-rate LINES     lines a client may send per second (as many at once) before\n"
         "                       it is disconnected as a flooder (default 0: no limit)\n"
         "  --max-queue BYTES    unsent output a client may fall behind by before it is\n"
         "                       disconnected (default 1048576)\n"
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
  constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max() / 4;
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
    const bool takes_value = arg == "--listen" || arg == "--max-clients" || arg == "--max-line" ||
                             arg == "--max-queue" || arg == "--line-timeout" || arg == "--max-rate";
    if (!takes_value) return fail("unknown option '" + arg + "' (see --help)");
    if (i + 1 == args.size()) return fail(arg + " needs a value");
    const std::string& value = args[++i];
    if (arg == "--listen") {
      std::error_code ec;
      options.listen = endpoint::parse(value, ec);
      if (ec) {
        return fail("--listen: '" + value +
                    "' is not an address and port such as 127.0.0.1:4567 or [::1]:4567");
      }
    } else if (arg == "--max-clients") {
      if (!parse_count(value, 1, unlimited, options.max_clients)) {
        return fail("--max-clients: '" + value + "' is not a whole number of at least 1");
      }
    } else if (arg == "--max-line") {
      if (!parse_count(value, 16, 1024 * 1024, options.max_line)) {
        return fail("--max-line: '" + value + "' is not a whole number from 16 to 1048576");
      }
    } else if (arg == "--max-rate") {
      if (!parse_count(value, 0, 1000000, options.max_rate)) {
        return fail("--max-rate: '" + value + "' is not a whole number from 0 to 1000000");
      }
    } else if (arg == "--line-timeout") {
      std::size_t seconds = 0;
      if (!parse_count(value, 1, 86400, seconds)) {
        return fail("--line-timeout: '" + value + "' is not a whole number from 1 to 86400");
      }
      options.line_timeout = std::chrono::seconds(seconds);
    } else if (!parse_count(value, 1024, unlimited, options.max_queue)) {
      return fail("--max-queue: '" + value + "' is not a whole number of at least 1024");
    }
  }
  // Any one line must fit in a queue: a message of max_line bytes may grow threefold when
  // invalid bytes become U+FFFD, plus the nick around it; /who is bounded to under 4 KiB.
  const std::size_t one_line = 3 * options.max_line + 4096;
  if (options.max_queue < one_line) {
    return fail("--max-queue must be at least 3 x --max-line + 4096 (here " +
                std::to_string(one_line) + ") so that any one line fits");
  }
  return result;
}

}  // namespace evsel::chat
