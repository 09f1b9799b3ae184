// SPDX-License-Identifier: MIT
// evsel: endpoint text parsing and RFC 5952 formatting, without the OS (identical everywhere).
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>

#include <evsel/endpoint.hpp>
#include <evsel/error.hpp>

#include "misuse.hpp"

namespace evsel {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decimal without sign; `max_digits` guards against overflow before the range check.
std::optional<std::uint32_t> parse_decimal(std::string_view text, std::size_t max_digits) noexcept {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  std::uint64_t value = 0;  // ten digits fit; the range is checked below
  for (const char c : text) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > 0xFFFFFFFFU) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

// Dotted quad, strictly: four parts, no leading zeros, each <= 255.
const char* parse_ipv4(std::string_view text, std::uint8_t* out) noexcept {
  for (int part = 0; part < 4; ++part) {
    const std::size_t dot = text.find('.');
    const bool last = part == 3;
    if (last != (dot == std::string_view::npos)) return "an IPv4 address has four parts";
    const std::string_view digits = last ? text : text.substr(0, dot);
    if (digits.size() > 1 && digits[0] == '0') return "leading zeros are not allowed in IPv4";
    const auto value = parse_decimal(digits, 3);
    if (!value || *value > 255) return "each IPv4 part is a number from 0 to 255";
    out[part] = static_cast<std::uint8_t>(*value);
    if (!last) text.remove_prefix(dot + 1);
  }
  return nullptr;
}

// RFC 4291 section 2.2 text forms, including "::" and a dotted IPv4 tail.
const char* parse_ipv6(std::string_view text, endpoint::v6_bytes& out) noexcept {
  std::uint16_t head[8] = {};
  std::uint16_t tail[8] = {};
  std::size_t head_count = 0;
  std::size_t tail_count = 0;
  bool compressed = false;
  constexpr const char* malformed = "malformed IPv6 address";

  if (text.size() >= 2 && text.substr(0, 2) == "::") {
    compressed = true;
    text.remove_prefix(2);
  } else if (!text.empty() && text[0] == ':') {
    return malformed;
  }
  while (!text.empty()) {
    std::uint16_t* groups = compressed ? tail : head;
    std::size_t& count = compressed ? tail_count : head_count;
    const std::size_t colon = text.find(':');
    const std::string_view group = text.substr(0, colon);
    if (colon == std::string_view::npos && group.find('.') != std::string_view::npos) {
      std::uint8_t v4[4];
      if (const char* why = parse_ipv4(group, v4)) return why;
      if (head_count + tail_count + 2 > 8) return "too many groups in IPv6 address";
      groups[count++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
      groups[count++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
      break;
    }
    if (group.empty() || group.size() > 4) return malformed;
    unsigned value = 0;
    for (const char c : group) {
      const int digit = hex_value(c);
      if (digit < 0) return malformed;
      value = value * 16 + static_cast<unsigned>(digit);
    }
    if (head_count + tail_count == 8) return "too many groups in IPv6 address";
    groups[count++] = static_cast<std::uint16_t>(value);
    if (colon == std::string_view::npos) break;
    text.remove_prefix(colon + 1);
    if (!text.empty() && text[0] == ':') {
      if (compressed) return "\"::\" may appear only once";
      compressed = true;
      text.remove_prefix(1);
    } else if (text.empty()) {
      return malformed;  // trailing single ':'
    }
  }
  const std::size_t total = head_count + tail_count;
  if (compressed ? total > 7 : total != 8) return "an IPv6 address has eight groups";
  std::uint16_t groups[8] = {};
  for (std::size_t i = 0; i < head_count; ++i) groups[i] = head[i];
  for (std::size_t i = 0; i < tail_count; ++i) groups[8 - tail_count + i] = tail[i];
  for (std::size_t i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xFF);
  }
  return nullptr;
}

// Returns the reason the text is malformed, or nullptr.
const char* parse_endpoint(std::string_view text, endpoint& result) noexcept {
  if (text.empty()) return "empty endpoint";
  std::string_view address;
  std::string_view port_text;
  if (text[0] == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return "missing ']' after the IPv6 address";
    address = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (rest.empty() || rest[0] != ':') return "missing ':PORT' after ']'";
    port_text = rest.substr(1);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return "missing ':PORT'";
    address = text.substr(0, colon);
    if (address.find(':') != std::string_view::npos)
      return "IPv6 addresses need brackets: [ADDR]:PORT";
    port_text = text.substr(colon + 1);
  }
  // As in IPv4 parts: a leading zero would read as octal to some parsers (inet_aton).
  if (port_text.size() > 1 && port_text[0] == '0') return "leading zeros are not allowed in ports";
  const auto port = parse_decimal(port_text, 5);
  if (!port || *port > 65535) return "the port is a number from 0 to 65535";

  if (text[0] != '[') {
    std::uint8_t v4[4];
    if (const char* why = parse_ipv4(address, v4)) {
      return address.find_first_not_of("0123456789.") != std::string_view::npos
                 ? "not an IPv4 address (host names are not resolved)"
                 : why;
    }
    result = endpoint::ipv4({v4[0], v4[1], v4[2], v4[3]}, static_cast<std::uint16_t>(*port));
    return nullptr;
  }
  std::uint32_t scope = 0;
  const std::size_t percent = address.find('%');
  if (percent != std::string_view::npos) {
    const auto value = parse_decimal(address.substr(percent + 1), 10);
    if (!value) return "the IPv6 scope id must be a number (interface names are not resolved)";
    scope = *value;
    address = address.substr(0, percent);
  }
  endpoint::v6_bytes v6{};
  if (const char* why = parse_ipv6(address, v6)) return why;
  result = endpoint::ipv6(v6, static_cast<std::uint16_t>(*port), scope);
  return nullptr;
}

// The text as an exception quotes it: cut after max_quoted bytes, so that a huge or hostile
// input does not land whole in a log, and with bytes outside printable ASCII as \xHH.
std::string quoted(std::string_view text) {
  constexpr std::size_t max_quoted = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < max_quoted; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7F && byte != '"' && byte != '\\') {
      out += static_cast<char>(byte);
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      out += escaped;
    }
  }
  out += '"';
  if (text.size() > max_quoted) {
    out += " (" + std::to_string(text.size()) + " bytes, cut)";
  }
  return out;
}

}  // namespace

endpoint endpoint::ipv4(const v4_bytes& address, std::uint16_t port) noexcept {
  endpoint e;
  e.family_ = address_family::ipv4;
  e.port_ = port;
  for (std::size_t i = 0; i < 4; ++i) e.bytes_[i] = address[i];
  return e;
}

endpoint endpoint::ipv6(const v6_bytes& address,
                        std::uint16_t port,
                        std::uint32_t scope_id) noexcept {
  endpoint e;
  e.family_ = address_family::ipv6;
  e.port_ = port;
  e.scope_id_ = scope_id;
  e.bytes_ = address;
  return e;
}

endpoint endpoint::loopback(address_family family, std::uint16_t port) noexcept {
  if (family == address_family::ipv4) return ipv4({127, 0, 0, 1}, port);
  v6_bytes one{};
  one[15] = 1;
  return ipv6(one, port);
}

endpoint endpoint::any(address_family family, std::uint16_t port) noexcept {
  return family == address_family::ipv4 ? ipv4({0, 0, 0, 0}, port) : ipv6({}, port);
}

endpoint endpoint::parse(std::string_view text, std::error_code& ec) noexcept {
  ec.clear();
  endpoint result;
  if (parse_endpoint(text, result) != nullptr) {
    ec = make_error_code(detail::misuse::endpoint_text);
    return {};
  }
  return result;
}

endpoint endpoint::parse(std::string_view text) {
  endpoint result;
  if (const char* why = parse_endpoint(text, result)) {
    throw std::system_error(make_error_code(detail::misuse::endpoint_text),
                            "evsel::endpoint::parse: " + quoted(text) + ": " + why);
  }
  return result;
}

endpoint::v4_bytes endpoint::ipv4_bytes() const noexcept {
  return {bytes_[0], bytes_[1], bytes_[2], bytes_[3]};
}

endpoint endpoint::with_port(std::uint16_t port) const noexcept {
  endpoint e = *this;
  e.port_ = port;
  return e;
}

bool endpoint::is_loopback() const noexcept {
  if (family_ == address_family::ipv4) return bytes_[0] == 127;
  for (std::size_t i = 0; i < 15; ++i) {
    if (bytes_[i] != 0) return false;
  }
  return bytes_[15] == 1;
}

bool endpoint::is_unspecified() const noexcept {
  const std::size_t size = family_ == address_family::ipv4 ? 4 : 16;
  for (std::size_t i = 0; i < size; ++i) {
    if (bytes_[i] != 0) return false;
  }
  return true;
}

std::string endpoint::address_string() const {
  char buffer[64];
  if (family_ == address_family::ipv4) {
    std::snprintf(buffer, sizeof buffer, "%u.%u.%u.%u", bytes_[0], bytes_[1], bytes_[2], bytes_[3]);
    return buffer;
  }
  std::uint16_t groups[8];
  for (std::size_t i = 0; i < 8; ++i) {
    groups[i] = static_cast<std::uint16_t>(bytes_[2 * i] << 8 | bytes_[2 * i + 1]);
  }
  std::string text;
  // RFC 5952 section 5: IPv4-mapped addresses keep their dotted tail.
  const bool mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 &&
                      groups[4] == 0 && groups[5] == 0xFFFF;
  if (mapped) {
    std::snprintf(buffer, sizeof buffer, "::ffff:%u.%u.%u.%u", bytes_[12], bytes_[13], bytes_[14],
                  bytes_[15]);
    text = buffer;
  } else {
    // The longest run of two or more zero groups (the first on a tie) becomes "::".
    std::size_t best_start = 8;
    std::size_t best_length = 1;
    for (std::size_t i = 0; i < 8;) {
      if (groups[i] != 0) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < 8 && groups[j] == 0) ++j;
      if (j - i > best_length) {
        best_start = i;
        best_length = j - i;
      }
      i = j;
    }
    for (std::size_t i = 0; i < 8; ++i) {
      if (i == best_start) {
        text += "::";
        i += best_length - 1;
        continue;
      }
      if (!text.empty() && text.back() != ':') text += ':';
      std::snprintf(buffer, sizeof buffer, "%x", groups[i]);
      text += buffer;
    }
  }
  if (scope_id_ != 0) text += "%" + std::to_string(scope_id_);
  return text;
}

std::string endpoint::to_string() const {
  const std::string port = std::to_string(port_);
  if (family_ == address_family::ipv4) return address_string() + ":" + port;
  return "[" + address_string() + "]:" + port;
}

}  // namespace evsel
