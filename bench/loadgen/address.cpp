// SPDX-License-Identifier: MIT
// evsel-bench-load: the server's address, as given on the command line.
#include "address.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace evsel_loadgen {

namespace {

bool parse_port(std::string_view text, in_port_t& port) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || stop != end || value == 0 || value > 65535) {
    return false;
  }
  port = htons(static_cast<std::uint16_t>(value));
  return true;
}

}  // namespace

bool parse_address(std::string_view text, address& out) {
  address parsed;
  parsed.text = std::string(text);
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string host(text.substr(0, colon));
  in_port_t port = 0;
  if (!parse_port(text.substr(colon + 1), port)) return false;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = port;
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &v6.sin6_addr) != 1) {
      return false;
    }
    std::memcpy(&parsed.storage, &v6, sizeof v6);
    parsed.length = sizeof v6;
  } else {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = port;
    if (inet_pton(AF_INET, host.c_str(), &v4.sin_addr) != 1) return false;
    std::memcpy(&parsed.storage, &v4, sizeof v4);
    parsed.length = sizeof v4;
  }
  out = std::move(parsed);
  return true;
}

}  // namespace evsel_loadgen
