// SPDX-License-Identifier: MIT
// evsel baselines: what the comparison servers share: their command line and the stop signal.
#include "baseline_common.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <signal.h>
#include <string>

#ifndef _WIN32
#include <arpa/inet.h>
#include <netinet/in.h>
#endif

namespace evsel_bench {
namespace {

volatile sig_atomic_t stop_flag = 0;

extern "C" void on_stop_signal(int) {
  stop_flag = 1;
}

bool parse_port(const std::string& text, std::uint16_t& out) {
  if (text.empty() || text.size() > 5) return false;
  unsigned long value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value > 65535) return false;
  out = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

bool parse_socket_address(const char* text, socket_address& out) {
  const std::string address = text;
  std::string host;
  std::string port;
  if (!address.empty() && address.front() == '[') {
    const std::size_t close = address.find("]:");
    if (close == std::string::npos) return false;
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    const std::size_t colon = address.rfind(':');
    // A bare IPv6 address would be ambiguous: its port must follow brackets.
    if (colon == std::string::npos || address.find(':') != colon) return false;
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  std::uint16_t number = 0;
  if (!parse_port(port, number)) return false;
  out = socket_address{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(number);
    out.size = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(number);
    out.size = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

int read_command_line(int argc,
                      char** argv,
                      const char* program,
                      const char* summary,
                      const char* default_address,
                      socket_address& out) {
  const char* address = default_address;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0) {
      std::printf(
          "usage: %s [--listen ADDR:PORT]\n  %s\n  Default address %s; IPv6 as [::1]:PORT.\n",
          program, summary, default_address);
      return 0;
    }
    if (std::strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
      address = argv[++i];
    } else {
      std::fprintf(stderr, "%s: unknown option or missing value: %s (see --help)\n", program,
                   argv[i]);
      return 2;
    }
  }
  if (!parse_socket_address(address, out)) {
    std::fprintf(stderr, "%s: bad --listen value \"%s\" (ADDR:PORT or [V6ADDR]:PORT)\n", program,
                 address);
    return 2;
  }
  return -1;
}

void watch_stop_signals() {
#ifdef _WIN32
  // No sigaction: the C runtime's signal() is what Windows has (SIGBREAK is Ctrl-Break).
  signal(SIGINT, on_stop_signal);
  signal(SIGTERM, on_stop_signal);
  signal(SIGBREAK, on_stop_signal);
#else
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
#endif
}

bool stop_requested() noexcept {
  return stop_flag != 0;
}

void settle_queue(std::string& unsent, std::size_t& sent) {
  if (sent == unsent.size()) {
    std::string().swap(unsent);
    sent = 0;
  } else if (sent > unsent.size() / 2) {
    unsent.erase(0, sent);
    sent = 0;
  }
}

}  // namespace evsel_bench
