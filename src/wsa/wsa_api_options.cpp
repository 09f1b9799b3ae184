// SPDX-License-Identifier: MIT
// evsel-wsa: ioctlsocket (FIONBIO, FIONREAD), setsockopt and getsockopt for the options the
// layer knows; every other level or option is WSAENOPROTOOPT, as Windows says for options it
// does not have.
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <winsock2.h>
#include <ws2tcpip.h>

#include <evsel/endpoint.hpp>
#include <evsel/socket.hpp>

#include "wsa_api.hpp"
#include "wsa_core.hpp"

namespace wsa = evsel::wsa;
using wsa::option;
using wsa::api::argument_error;
using wsa::api::fail;

namespace {

enum class kind : std::uint8_t { boolean, integer, milliseconds, linger, v6only };

struct known_option {
  int level;
  int name;
  option which;
  kind type;
  bool settable;
};

// IPV6_V6ONLY has no runtime option: evsel's IPv6 sockets are always IPv6-only, so its
// entry is answered here (the `which` is unused).
constexpr known_option known_options[] = {
    {SOL_SOCKET, SO_REUSEADDR, option::reuse_address, kind::boolean, true},
    {SOL_SOCKET, SO_KEEPALIVE, option::keep_alive, kind::boolean, true},
    {SOL_SOCKET, SO_OOBINLINE, option::oob_inline, kind::boolean, true},
    {SOL_SOCKET, SO_DONTLINGER, option::dont_linger, kind::boolean, true},
    {SOL_SOCKET, SO_LINGER, option::linger, kind::linger, true},
    {SOL_SOCKET, SO_SNDBUF, option::send_buffer, kind::integer, true},
    {SOL_SOCKET, SO_RCVBUF, option::receive_buffer, kind::integer, true},
    {SOL_SOCKET, SO_SNDTIMEO, option::send_timeout, kind::milliseconds, true},
    {SOL_SOCKET, SO_RCVTIMEO, option::receive_timeout, kind::milliseconds, true},
    {SOL_SOCKET, SO_ERROR, option::error, kind::integer, false},
    {SOL_SOCKET, SO_TYPE, option::type, kind::integer, false},
    {SOL_SOCKET, SO_ACCEPTCONN, option::accepting, kind::boolean, false},
    {IPPROTO_TCP, TCP_NODELAY, option::no_delay, kind::boolean, true},
    {IPPROTO_IPV6, IPV6_V6ONLY, option::reuse_address, kind::v6only, true},
};

const known_option* find_option(int level, int name) noexcept {
  for (const known_option& entry : known_options) {
    if (entry.level == level && entry.name == name) return &entry;
  }
  return nullptr;
}

// Windows reads an int (a BOOL, a DWORD of milliseconds). Here DWORD and u_long are 8 bytes,
// so a program passing one of those has optlen 8: read what it gave.
long read_number(const char* optval, int optlen) noexcept {
  if (optlen == static_cast<int>(sizeof(long))) {
    long value = 0;
    std::memcpy(&value, optval, sizeof value);
    return value;
  }
  int value = 0;
  std::memcpy(&value, optval, sizeof value);
  return value;
}

// The same the other way: an 8-byte buffer gets every byte written, an int-sized one an int.
void write_number(long value, char* optval, int* optlen) noexcept {
  if (*optlen == static_cast<int>(sizeof(long))) {
    std::memcpy(optval, &value, sizeof value);
    return;
  }
  const int narrow = static_cast<int>(value);
  std::memcpy(optval, &narrow, sizeof narrow);
  *optlen = static_cast<int>(sizeof narrow);
}

int clamp_to_int(long value) noexcept {
  if (value > INT_MAX) return INT_MAX;
  if (value < INT_MIN) return INT_MIN;
  return static_cast<int>(value);
}

int is_v6(SOCKET s, bool& v6) noexcept {
  evsel::address_family family{};
  evsel::protocol proto{};
  const int rc = wsa::socket_kind(s, family, proto);
  v6 = family == evsel::address_family::ipv6;
  return rc;
}

}  // namespace

extern "C" int ioctlsocket(SOCKET s, long cmd, u_long* argp) {
  // Compared on 32 bits: Windows' long is, and FIONBIO does not fit a positive one there.
  const auto command = static_cast<std::uint32_t>(cmd);
  if (argp == nullptr) return fail(argument_error(s, WSAEFAULT));
  if (command == static_cast<std::uint32_t>(FIONBIO)) {
    const int rc = wsa::set_blocking(s, *argp == 0);
    return rc == 0 ? 0 : fail(rc);
  }
  if (command == static_cast<std::uint32_t>(FIONREAD)) {
    std::size_t available = 0;
    const int rc = wsa::bytes_available(s, available);
    if (rc != 0) return fail(rc);
    *argp = static_cast<u_long>(available);
    return 0;
  }
  return fail(argument_error(s, WSAEINVAL));
}

extern "C" int setsockopt(SOCKET s, int level, int optname, const char* optval, int optlen) {
  const known_option* entry = find_option(level, optname);
  if (entry == nullptr || !entry->settable) return fail(argument_error(s, WSAENOPROTOOPT));
  const int needed = entry->type == kind::linger ? static_cast<int>(sizeof(linger))
                                                 : static_cast<int>(sizeof(int));
  if (optval == nullptr || optlen < needed) return fail(argument_error(s, WSAEFAULT));
  if (entry->type == kind::v6only) {
    bool v6 = false;
    int rc = is_v6(s, v6);
    if (rc == 0 && !v6) rc = WSAEINVAL;
    // Only the default can be kept: dual-stack sockets are not available.
    if (rc == 0 && read_number(optval, optlen) == 0) rc = WSAEINVAL;
    return rc == 0 ? 0 : fail(rc);
  }
  wsa::option_value value;
  if (entry->type == kind::linger) {
    linger given{};
    std::memcpy(&given, optval, sizeof given);
    value.number = given.l_onoff != 0 ? 1 : 0;
    value.seconds = given.l_linger;
  } else {
    const long number = read_number(optval, optlen);
    if (entry->type == kind::boolean) {
      value.number = number != 0 ? 1 : 0;
    } else if (entry->type == kind::milliseconds) {
      // A DWORD: what is negative here is a large count of milliseconds there.
      const unsigned long ms = static_cast<unsigned long>(number) & 0xFFFFFFFFUL;
      value.number = ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
    } else {
      value.number = clamp_to_int(number);
    }
  }
  const int rc = wsa::set_option(s, entry->which, value);
  return rc == 0 ? 0 : fail(rc);
}

extern "C" int getsockopt(SOCKET s, int level, int optname, char* optval, int* optlen) {
  const known_option* entry = find_option(level, optname);
  if (entry == nullptr) return fail(argument_error(s, WSAENOPROTOOPT));
  const int needed = entry->type == kind::linger ? static_cast<int>(sizeof(linger))
                                                 : static_cast<int>(sizeof(int));
  if (optval == nullptr || optlen == nullptr || *optlen < needed) {
    return fail(argument_error(s, WSAEFAULT));
  }
  if (entry->type == kind::v6only) {
    bool v6 = false;
    int rc = is_v6(s, v6);
    if (rc == 0 && !v6) rc = WSAEINVAL;
    if (rc != 0) return fail(rc);
    write_number(1, optval, optlen);
    return 0;
  }
  wsa::option_value value;
  const int rc = wsa::get_option(s, entry->which, value);
  if (rc != 0) return fail(rc);
  if (entry->type == kind::linger) {
    linger result{};
    result.l_onoff = static_cast<u_short>(value.number != 0 ? 1 : 0);
    result.l_linger = static_cast<u_short>(value.seconds);
    std::memcpy(optval, &result, sizeof result);
    *optlen = static_cast<int>(sizeof result);
    return 0;
  }
  write_number(value.number, optval, optlen);
  return 0;
}
