// SPDX-License-Identifier: MIT
// evsel-wsa: the text forms of addresses: inet_addr, inet_ntoa, inet_pton, inet_ntop (and
// in6addr_any, in6addr_loopback). None of them needs WSAStartup, as on Windows; none calls
// the C library's functions of the same names.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <system_error>

#include <winsock2.h>
#include <ws2tcpip.h>

#include <evsel/endpoint.hpp>

#include "wsa_api.hpp"
#include "wsa_core.hpp"

using evsel::endpoint;
using evsel::wsa::api::fail;

extern "C" const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
extern "C" const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

namespace {

// One part of inet_addr's text: decimal, octal after a 0, hexadecimal after 0x, as BSD's
// inet_aton and Windows read them. Advances `text`; false on no digits or overflow.
bool read_part(const char*& text, std::uint32_t& out) noexcept {
  unsigned base = 10;
  if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text += 2;
  } else if (text[0] == '0') {
    base = 8;
  }
  std::uint64_t value = 0;
  const char* start = text;
  for (;; ++text) {
    unsigned digit = 0;
    const char c = *text;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      break;
    }
    if (digit >= base) return false;
    value = value * base + digit;
    if (value > 0xFFFFFFFFULL) return false;
  }
  out = static_cast<std::uint32_t>(value);
  return text != start;
}

// "a.b.c.d", "a.b.c" (c 16 bits), "a.b" (b 24 bits) or "a" (32 bits), in host order.
bool parse_inet_addr(const char* text, std::uint32_t& out) noexcept {
  std::uint32_t parts[4] = {};
  int count = 0;
  for (;;) {
    if (count == 4 || !read_part(text, parts[count])) return false;
    ++count;
    if (*text != '.') break;
    ++text;
  }
  // As BSD's inet_aton, which Windows' inet_addr follows: whitespace ends the address.
  if (*text != '\0' && *text != ' ' && *text != '\t' && *text != '\n') return false;
  const int last = count - 1;
  const std::uint32_t last_limit = last == 0 ? 0xFFFFFFFFU : (0xFFFFFFFFU >> (8 * last));
  if (parts[last] > last_limit) return false;
  std::uint32_t value = parts[last];
  for (int i = 0; i < last; ++i) {
    if (parts[i] > 0xFF) return false;
    value |= parts[i] << (24 - 8 * i);
  }
  out = value;
  return true;
}

// Strict numeric text, through evsel's parser (no leading zeros, no scope, four IPv4 parts).
bool parse_numeric(int family, const char* text, endpoint& out) noexcept {
  const std::size_t length = std::strlen(text);
  if (length == 0 || length >= INET6_ADDRSTRLEN || std::memchr(text, '%', length) != nullptr) {
    return false;
  }
  std::array<char, INET6_ADDRSTRLEN + 8> buffer{};
  const int written = family == AF_INET
                          ? std::snprintf(buffer.data(), buffer.size(), "%s:0", text)
                          : std::snprintf(buffer.data(), buffer.size(), "[%s]:0", text);
  if (written <= 0 || static_cast<std::size_t>(written) >= buffer.size()) return false;
  std::error_code ec;
  out = endpoint::parse(std::string_view(buffer.data(), static_cast<std::size_t>(written)), ec);
  const auto wanted = family == AF_INET ? evsel::address_family::ipv4 : evsel::address_family::ipv6;
  return !ec && out.family() == wanted;
}

// Windows writes the IPv4 part of an IPv4-mapped address (::ffff:a.b.c.d) and of an
// IPv4-compatible one (::a.b.c.d, when more than the last 16 bits are set, so that ::1 stays
// ::1) in dotted form; RFC 5952 formatting (evsel's) keeps hexadecimal for the second.
const char* embedded_ipv4_prefix(const endpoint::v6_bytes& bytes) noexcept {
  for (std::size_t i = 0; i < 10; ++i) {
    if (bytes[i] != 0) return nullptr;
  }
  if (bytes[10] == 0xff && bytes[11] == 0xff) return "::ffff:";
  if (bytes[10] == 0 && bytes[11] == 0 && (bytes[12] != 0 || bytes[13] != 0)) return "::";
  return nullptr;
}

}  // namespace

extern "C" unsigned long inet_addr(const char* cp) {
  std::uint32_t host = 0;
  if (cp == nullptr || !parse_inet_addr(cp, host)) return INADDR_NONE;
  return htonl(host);
}

// Per thread, which Windows allows ("valid until the next call in the same thread").
extern "C" char* inet_ntoa(struct in_addr in) {
  thread_local char text[INET_ADDRSTRLEN];
  const auto& bytes = in.S_un.S_un_b;
  std::snprintf(text, sizeof text, "%u.%u.%u.%u", bytes.s_b1, bytes.s_b2, bytes.s_b3, bytes.s_b4);
  return text;
}

extern "C" INT inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf) {
  if (Family != AF_INET && Family != AF_INET6) return fail(WSAEAFNOSUPPORT, -1);
  if (pszAddrString == nullptr || pAddrBuf == nullptr) return fail(WSAEFAULT, -1);
  endpoint parsed;
  if (!parse_numeric(Family, pszAddrString, parsed)) return 0;
  if (Family == AF_INET) {
    const endpoint::v4_bytes bytes = parsed.ipv4_bytes();
    std::memcpy(pAddrBuf, bytes.data(), bytes.size());
  } else {
    std::memcpy(pAddrBuf, parsed.ipv6_bytes().data(), parsed.ipv6_bytes().size());
  }
  return 1;
}

extern "C" PCSTR inet_ntop(INT Family, const VOID* pAddr, PSTR pStringBuf, size_t StringBufSize) {
  if (Family != AF_INET && Family != AF_INET6) return fail(WSAEAFNOSUPPORT, PCSTR{nullptr});
  if (pAddr == nullptr) return fail(WSAEFAULT, PCSTR{nullptr});
  if (pStringBuf == nullptr) return fail(WSA_INVALID_PARAMETER, PCSTR{nullptr});
  char text[INET6_ADDRSTRLEN] = {};
  if (Family == AF_INET) {
    unsigned char bytes[4];
    std::memcpy(bytes, pAddr, sizeof bytes);
    std::snprintf(text, sizeof text, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
  } else {
    endpoint::v6_bytes bytes{};
    std::memcpy(bytes.data(), pAddr, bytes.size());
    if (const char* prefix = embedded_ipv4_prefix(bytes)) {
      std::snprintf(text, sizeof text, "%s%u.%u.%u.%u", prefix, bytes[12], bytes[13], bytes[14],
                    bytes[15]);
    } else {
      try {
        const std::string formatted = endpoint::ipv6(bytes, 0).address_string();
        std::snprintf(text, sizeof text, "%s", formatted.c_str());
      } catch (const std::exception&) {
        return fail(WSA_NOT_ENOUGH_MEMORY, PCSTR{nullptr});
      }
    }
  }
  if (std::strlen(text) + 1 > StringBufSize) return fail(WSA_INVALID_PARAMETER, PCSTR{nullptr});
  std::memcpy(pStringBuf, text, std::strlen(text) + 1);
  return pStringBuf;
}
