// SPDX-License-Identifier: MIT
// evsel: endpoint <-> sockaddr conversion, written once for both socket APIs.
#pragma once

#include <cstring>

#include <evsel/endpoint.hpp>

// Include after the OS socket headers (<netinet/in.h> or <ws2tcpip.h>): the templates
// only need sockaddr_in/sockaddr_in6 and htons/ntohs, which both APIs spell the same way.
namespace evsel::detail {

template <typename SockaddrIn, typename SockaddrIn6, typename Storage>
int endpoint_to_sockaddr(const endpoint& e, Storage& storage, int af_inet, int af_inet6) noexcept {
  std::memset(&storage, 0, sizeof storage);
  if (e.family() == address_family::ipv4) {
    auto* in = reinterpret_cast<SockaddrIn*>(&storage);
    in->sin_family = static_cast<decltype(in->sin_family)>(af_inet);
    in->sin_port = htons(e.port());
    const auto bytes = e.ipv4_bytes();
    std::memcpy(&in->sin_addr, bytes.data(), bytes.size());
    return static_cast<int>(sizeof(SockaddrIn));
  }
  auto* in6 = reinterpret_cast<SockaddrIn6*>(&storage);
  in6->sin6_family = static_cast<decltype(in6->sin6_family)>(af_inet6);
  in6->sin6_port = htons(e.port());
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
    return endpoint::ipv4(bytes, ntohs(in->sin_port));
  }
  if (storage.ss_family == af_inet6) {
    const auto* in6 = reinterpret_cast<const SockaddrIn6*>(&storage);
    endpoint::v6_bytes bytes{};
    std::memcpy(bytes.data(), &in6->sin6_addr, bytes.size());
    return endpoint::ipv6(bytes, ntohs(in6->sin6_port), in6->sin6_scope_id);
  }
  return {};
}

}  // namespace evsel::detail
