// SPDX-License-Identifier: MIT
// evsel: IPv4/IPv6 address plus port, with strict text parsing and canonical formatting.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include <evsel/export.hpp>

namespace evsel {

/// Address family of an endpoint or socket.
enum class address_family : std::uint8_t { ipv4, ipv6 };

/// An IPv4 or IPv6 address with a port (and, for IPv6, a numeric scope id).
///
/// Text forms: "127.0.0.1:4567" and "[::1]:4567" (also "[fe80::1%2]:4567"). Parsing is
/// strict and identical on every platform: no host names, no octal or shortened IPv4
/// forms, no leading zeros in IPv4 parts, ports 0-65535 in decimal. Formatting follows
/// RFC 5952 (lower case, longest zero run compressed).
class EVSEL_EXPORT endpoint {
 public:
  /// An IPv4 address, in network order.
  using v4_bytes = std::array<std::uint8_t, 4>;
  /// An IPv6 address, in network order.
  using v6_bytes = std::array<std::uint8_t, 16>;

  /// 0.0.0.0:0.
  endpoint() noexcept = default;

  /// An IPv4 endpoint; bytes in network order (127.0.0.1 is {127, 0, 0, 1}).
  static endpoint ipv4(const v4_bytes& address, std::uint16_t port) noexcept;
  /// An IPv6 endpoint; bytes in network order.
  static endpoint ipv6(const v6_bytes& address,
                       std::uint16_t port,
                       std::uint32_t scope_id = 0) noexcept;
  /// 127.0.0.1:port or [::1]:port.
  static endpoint loopback(address_family family, std::uint16_t port) noexcept;
  /// The wildcard address (0.0.0.0 or ::) with a port, for bind.
  static endpoint any(address_family family, std::uint16_t port) noexcept;

  /// Parses "ADDR:PORT" or "[ADDR6]:PORT". On malformed text sets `ec` to
  /// errc::invalid_argument and returns a default endpoint.
  static endpoint parse(std::string_view text, std::error_code& ec) noexcept;
  /// As above; throws std::system_error whose what() names the text and the problem.
  static endpoint parse(std::string_view text);

  /// IPv4 or IPv6.
  address_family family() const noexcept { return family_; }
  /// The port, in host order.
  std::uint16_t port() const noexcept { return port_; }
  /// The IPv6 scope (interface index) of a link-local address; 0 otherwise.
  std::uint32_t scope_id() const noexcept { return scope_id_; }
  /// The address bytes in network order (4 or 16 bytes).
  v4_bytes ipv4_bytes() const noexcept;
  /// The IPv6 address bytes (for IPv4, the first four hold the address).
  const v6_bytes& ipv6_bytes() const noexcept { return bytes_; }

  /// A copy with another port.
  endpoint with_port(std::uint16_t port) const noexcept;

  /// 127.0.0.0/8 or ::1.
  bool is_loopback() const noexcept;
  /// 0.0.0.0 or :: (the wildcard address).
  bool is_unspecified() const noexcept;

  /// "127.0.0.1:4567" or "[::1]:4567"; parse(to_string()) gives back the same endpoint.
  std::string to_string() const;
  /// The address alone: "127.0.0.1" or "::1" (with "%scope" when set).
  std::string address_string() const;

  /// Same family, address, port and scope.
  friend bool operator==(const endpoint& a, const endpoint& b) noexcept {
    return a.family_ == b.family_ && a.port_ == b.port_ && a.scope_id_ == b.scope_id_ &&
           a.bytes_ == b.bytes_;
  }
  /// Not operator==.
  friend bool operator!=(const endpoint& a, const endpoint& b) noexcept { return !(a == b); }

 private:
  address_family family_ = address_family::ipv4;
  std::uint16_t port_ = 0;
  std::uint32_t scope_id_ = 0;
  v6_bytes bytes_{};  // IPv4 uses the first four bytes; the rest stay zero
};

}  // namespace evsel
