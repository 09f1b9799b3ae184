// SPDX-License-Identifier: MIT
// evsel: endpoint <-> sockaddr conversion, written once for both socket APIs.
#pragma once

#include <cstdint>
#include <cstring>

#include <evsel/endpoint.hpp>

// The templates only need sockaddr_in/sockaddr_in6, which both socket APIs lay out the
// same way; ports are written in network order by hand, so no htons is needed.
namespace evsel::detail {

template <typename Field>
void store_port(Field& field, std::uint16_t port) noexcept {
  static_assert(sizeof(Field) == 2, "a port field holds two bytes");
  const unsigned char bytes[2] = {static_cast<unsigned char>(port >> 8),
                                  static_cast<unsigned char>(port & 0xFF)};
  std::memcpy(&field, bytes, sizeof bytes);
}

template <typename Field>
std::uint16_t load_port(const Field& field) noexcept {
  unsigned char bytes[2];
  std::memcpy(bytes, &field, sizeof bytes);
  return static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
}

template <typename SockaddrIn, typename SockaddrIn6, typename Storage>
int endpoint_to_sockaddr(const endpoint& e, Storage& storage, int af_inet, int af_inet6) noexcept {
  std::memset(&storage, 0, sizeof storage);
  if (e.family() == address_family::ipv4) {
    auto* in = reinterpret_cast<SockaddrIn*>(&storage);
    in->sin_family = static_cast<decltype(in->sin_family)>(af_inet);
    store_port(in->sin_port, e.port());
    const auto bytes = e.ipv4_bytes();
    std::memcpy(&in->sin_addr, bytes.data(), bytes.size());
    return static_cast<int>(sizeof(SockaddrIn));
  }
  auto* in6 = reinterpret_cast<SockaddrIn6*>(&storage);
  in6->sin6_family = static_cast<decltype(in6->sin6_family)>(af_inet6);
  store_port(in6->sin6_port, e.port());
  in6->sin6_scope_id = e.scope_id();
  std::memcpy(&in6->sin6_addr, e.ipv6_bytes().data(), 16);
  return static_cast<int>(sizeof(SockaddrIn6));
}

template <typename SockaddrIn, typename SockaddrIn6, typename Storage>
endpoint sockaddr_to_endpoint(const Storage& storage, int af_inet, int af_inet6) noexcept {
  if (storage.ss_family == af_inet) {
    const auto* in = reinterpret_cast<const SockaddrIn*>(&storage);
    endpoint::v4_bytes bytes{};
    std::memcpy(bytes.data(), &in->sin_addr, bytes.size());
    return endpoint::ipv4(bytes, load_port(in->sin_port));
  }
  if (storage.ss_family == af_inet6) {
    const auto* in6 = reinterpret_cast<const SockaddrIn6*>(&storage);
    endpoint::v6_bytes bytes{};
    std::memcpy(bytes.data(), &in6->sin6_addr, bytes.size());
    return endpoint::ipv6(bytes, load_port(in6->sin6_port), in6->sin6_scope_id);
  }
  return {};
}

}  // namespace evsel::detail
