// SPDX-License-Identifier: MIT
// evsel-wsa: what the Winsock entry points (wsa_api_*.cpp) share: failing the Windows way
// (the code goes to WSAGetLastError, the call returns its failure value) and the Windows
// sockaddr <-> evsel::endpoint conversion. Only for files that include the layer's
// <winsock2.h>.
#pragma once

#include <cstdint>
#include <cstring>

#include <winsock2.h>
#include <ws2tcpip.h>

#include <evsel/endpoint.hpp>

#include "wsa_core.hpp"

namespace evsel::wsa::api {

// Stores `code` for WSAGetLastError and returns `result`. Success never touches the last
// error, as on Windows.
template <class Result>
Result fail(int code, Result result) noexcept {
  set_last_error(code);
  return result;
}
inline int fail(int code) noexcept {
  return fail(code, SOCKET_ERROR);
}

// For an argument the entry point rejects itself: Windows reports a missing WSAStartup and
// a handle that is no socket before looking at the other arguments.
inline int argument_error(SOCKET s, int code) noexcept {
  address_family family{};
  protocol proto{};
  const int kind = socket_kind(s, family, proto);
  return kind != 0 ? kind : code;
}

inline int sockaddr_size(address_family family) noexcept {
  return family == address_family::ipv4 ? static_cast<int>(sizeof(sockaddr_in))
                                        : static_cast<int>(sizeof(sockaddr_in6));
}

inline ADDRESS_FAMILY wsa_family(address_family family) noexcept {
  return family == address_family::ipv4 ? AF_INET : AF_INET6;
}

// An address given to bind, connect or sendto, for a socket of `family`: too short (or
// null) is WSAEFAULT, another family WSAEAFNOSUPPORT. The bytes are copied out, since
// programs pass char buffers of any alignment.
inline int read_endpoint(const sockaddr* name,
                         int namelen,
                         address_family family,
                         endpoint& out) noexcept {
  if (name == nullptr || namelen < sockaddr_size(family)) return WSAEFAULT;
  ADDRESS_FAMILY given = 0;
  std::memcpy(&given, name, sizeof given);
  if (given != wsa_family(family)) return WSAEAFNOSUPPORT;
  if (family == address_family::ipv4) {
    sockaddr_in in{};
    std::memcpy(&in, name, sizeof in);
    endpoint::v4_bytes bytes{};
    std::memcpy(bytes.data(), &in.sin_addr.S_un.S_addr, bytes.size());
    out = endpoint::ipv4(bytes, ntohs(in.sin_port));
  } else {
    sockaddr_in6 in6{};
    std::memcpy(&in6, name, sizeof in6);
    endpoint::v6_bytes bytes{};
    std::memcpy(bytes.data(), in6.sin6_addr.u.Byte, bytes.size());
    out = endpoint::ipv6(bytes, ntohs(in6.sin6_port), in6.sin6_scope_id);
  }
  return 0;
}

// The buffer accept and recvfrom will fill, checked before the call takes anything: a
// connection or datagram must not be consumed when its address cannot be returned. A null
// address means the caller wants none.
inline int check_address_buffer(const sockaddr* name,
                                const int* namelen,
                                address_family family) noexcept {
  if (name == nullptr) return 0;
  if (namelen == nullptr || *namelen < sockaddr_size(family)) return WSAEFAULT;
  return 0;
}

// Fills a Windows-layout sockaddr and its length (WSAEFAULT when it does not fit).
inline int write_endpoint(const endpoint& from, sockaddr* name, int* namelen) noexcept {
  if (name == nullptr || namelen == nullptr) return WSAEFAULT;
  const int size = sockaddr_size(from.family());
  if (*namelen < size) return WSAEFAULT;
  if (from.family() == address_family::ipv4) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(from.port());
    const endpoint::v4_bytes bytes = from.ipv4_bytes();
    std::memcpy(&in.sin_addr.S_un.S_addr, bytes.data(), bytes.size());
    std::memcpy(name, &in, sizeof in);
  } else {
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(from.port());
    std::memcpy(in6.sin6_addr.u.Byte, from.ipv6_bytes().data(), from.ipv6_bytes().size());
    in6.sin6_scope_id = from.scope_id();
    std::memcpy(name, &in6, sizeof in6);
  }
  *namelen = size;
  return 0;
}

}  // namespace evsel::wsa::api
