// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: attacks by address. IPv6 over ::1 and its 28-byte addresses,
// and the text forms of addresses (inet_pton, inet_addr, inet_ntop) at their edges. Every
// case states what Windows does.
#include <cstring>
#include <string>

#include <winsock2.h>
#include <ws2tcpip.h>

#include "support/catch.hpp"
#include "wsa_support.hpp"

using namespace wsa_test;

namespace {

// A TCP listener on ::1, port 0 (the OS picks one).
socket_handle make_listener6() {
  socket_handle listener(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
  if (listener.get() == INVALID_SOCKET) FAIL("socket(AF_INET6) failed with " << WSAGetLastError());
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  if (bind(listener.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    FAIL("bind(::1) failed with " << WSAGetLastError());
  }
  if (listen(listener.get(), SOMAXCONN) != 0) FAIL("listen failed with " << WSAGetLastError());
  return listener;
}

// A loopback TCP pair over IPv6 (::1), both ends blocking.
tcp_pair make_tcp6_pair() {
  const socket_handle listener = make_listener6();
  sockaddr_in6 a{};
  int length = sizeof a;
  if (getsockname(listener.get(), reinterpret_cast<sockaddr*>(&a), &length) != 0) {
    FAIL("getsockname failed with " << WSAGetLastError());
  }
  tcp_pair pair;
  pair.client = socket_handle(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
  if (connect(pair.client.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    FAIL("connect(::1) failed with " << WSAGetLastError());
  }
  pair.server = socket_handle(accept(listener.get(), nullptr, nullptr));
  if (pair.server.get() == INVALID_SOCKET) FAIL("accept failed with " << WSAGetLastError());
  return pair;
}

}  // namespace

// IPv6 over ::1, selected: FD_CONNECT, then addresses in sockaddr_in6 (28 bytes; 16 bytes
// is too short: WSAEFAULT).
TEST_CASE("An IPv6 connection over ::1 reports FD_CONNECT and gives 28-byte addresses",
          "[wsa][attack][ipv6]") {
  const wsa_session session;
  socket_handle listener = make_listener6();
  sockaddr_in6 a{};
  int length = sizeof a;
  REQUIRE(getsockname(listener.get(), reinterpret_cast<sockaddr*>(&a), &length) == 0);
  CHECK(length == 28);
  socket_handle client(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
  const event_handle e;
  REQUIRE(WSAEventSelect(client.get(), e.get(), FD_CONNECT | FD_WRITE | FD_READ) == 0);
  CHECK(connect(client.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) == SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEWOULDBLOCK);
  const WSANETWORKEVENTS ne = expect_record_with(client.get(), e.get(), FD_CONNECT);
  CHECK(ne.iErrorCode[FD_CONNECT_BIT] == 0);
  sockaddr_in6 peer{};
  int peer_length = 16;
  CHECK(getpeername(client.get(), reinterpret_cast<sockaddr*>(&peer), &peer_length) ==
        SOCKET_ERROR);
  CHECK(WSAGetLastError() == WSAEFAULT);
  peer_length = sizeof peer;
  CHECK(getpeername(client.get(), reinterpret_cast<sockaddr*>(&peer), &peer_length) == 0);
  CHECK(peer_length == 28);
  CHECK(peer.sin6_family == AF_INET6);
  CHECK(peer.sin6_port == a.sin6_port);
  CHECK(std::memcmp(&peer.sin6_addr, &in6addr_loopback, sizeof peer.sin6_addr) == 0);
}

TEST_CASE("An IPv6 pair over ::1 carries data both ways", "[wsa][attack][ipv6]") {
  const wsa_session session;
  tcp_pair pair = make_tcp6_pair();
  CHECK(send(pair.client.get(), "six", 3, 0) == 3);
  char buffer[8] = {};
  CHECK(recv(pair.server.get(), buffer, sizeof buffer, 0) == 3);
  CHECK(send(pair.server.get(), "back", 4, 0) == 4);
  CHECK(recv(pair.client.get(), buffer, sizeof buffer, 0) == 4);
}

// ---- text forms of addresses -------------------------------------------------------------

TEST_CASE("inet_pton takes strict dotted quads and full IPv6 text only",
          "[wsa][attack][addresses]") {
  in_addr v4{};
  CHECK(inet_pton(AF_INET, "127.0.0.1", &v4) == 1);
  CHECK(v4.s_addr == htonl(INADDR_LOOPBACK));
  CHECK(inet_pton(AF_INET, "255.255.255.255", &v4) == 1);
  CHECK(inet_pton(AF_INET, "1.2.3", &v4) == 0);
  CHECK(inet_pton(AF_INET, "1.2.3.4.5", &v4) == 0);
  CHECK(inet_pton(AF_INET, "256.1.1.1", &v4) == 0);
  CHECK(inet_pton(AF_INET, "0x7f.0.0.1", &v4) == 0);
  CHECK(inet_pton(AF_INET, "1.2.3.4 ", &v4) == 0);
  CHECK(inet_pton(AF_INET, " 1.2.3.4", &v4) == 0);
  CHECK(inet_pton(AF_INET, "", &v4) == 0);
  CHECK(inet_pton(AF_INET, "1..2.3", &v4) == 0);
  in6_addr v6{};
  CHECK(inet_pton(AF_INET6, "::1", &v6) == 1);
  CHECK(std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0);
  CHECK(inet_pton(AF_INET6, "::ffff:1.2.3.4", &v6) == 1);
  CHECK(inet_pton(AF_INET6, "1:2:3:4:5:6:7:8", &v6) == 1);
  CHECK(inet_pton(AF_INET6, "1:2:3:4:5:6:7:8:9", &v6) == 0);
  CHECK(inet_pton(AF_INET6, "1::2::3", &v6) == 0);
  CHECK(inet_pton(AF_INET6, "12345::", &v6) == 0);
  CHECK(inet_pton(AF_INET6, ":", &v6) == 0);
  CHECK(inet_pton(AF_INET6, "", &v6) == 0);
  CHECK(inet_pton(AF_INET6, "127.0.0.1", &v6) == 0);
  CHECK(inet_pton(AF_INET, "::1", &v4) == 0);
  CHECK(inet_pton(12345, "1.2.3.4", &v4) == -1);
  CHECK(WSAGetLastError() == WSAEAFNOSUPPORT);
}

TEST_CASE("inet_pton on leading zeros", "[wsa][attack][addresses]") {
  in_addr v4{};
  const int rc = inet_pton(AF_INET, "01.2.3.4", &v4);
  INFO("result " << rc << " address " << std::hex << ntohl(v4.s_addr));
  CHECK(rc == 0);
}

TEST_CASE("inet_addr reads BSD forms and refuses the rest with INADDR_NONE",
          "[wsa][attack][addresses]") {
  CHECK(inet_addr("127.0.0.1") == htonl(0x7f000001));
  CHECK(inet_addr("0x7f.1") == htonl(0x7f000001));
  CHECK(inet_addr("017.0.0.1") == htonl(0x0f000001));
  CHECK(inet_addr("1.2.3") == htonl(0x01020003));
  CHECK(inet_addr("16909060") == htonl(0x01020304));
  CHECK(inet_addr("255.255.255.255") == INADDR_NONE);
  CHECK(inet_addr("256.1.1.1") == INADDR_NONE);
  CHECK(inet_addr("1.2.3.4.5") == INADDR_NONE);
  CHECK(inet_addr("") == INADDR_NONE);
  CHECK(inet_addr("1.2.3.4x") == INADDR_NONE);
  CHECK(inet_addr("08.1.1.1") == INADDR_NONE);
}

TEST_CASE("inet_addr on trailing spaces", "[wsa][attack][addresses]") {
  const unsigned long a = inet_addr("1.2.3.4 ");
  INFO("result " << std::hex << ntohl(a));
  CHECK(a == htonl(0x01020304));
}

TEST_CASE("inet_ntop writes IPv6 addresses as Windows does", "[wsa][attack][addresses]") {
  char text[INET6_ADDRSTRLEN] = {};
  in6_addr v6{};
  auto show = [&](const char* in) {
    std::memset(text, 0, sizeof text);
    REQUIRE(inet_pton(AF_INET6, in, &v6) == 1);
    const char* out = inet_ntop(AF_INET6, &v6, text, sizeof text);
    return std::string(out == nullptr ? "(null)" : out);
  };
  CHECK(show("::1") == "::1");
  CHECK(show("::") == "::");
  CHECK(show("::ffff:1.2.3.4") == "::ffff:1.2.3.4");
  CHECK(show("1:0:0:1:0:0:0:1") == "1:0:0:1::1");
  CHECK(show("fe80::1:2") == "fe80::1:2");
  CHECK(show("1:2:3:4:5:6:7:8") == "1:2:3:4:5:6:7:8");
  CHECK(show("1:0:2:3:4:5:6:7") == "1:0:2:3:4:5:6:7");
  CHECK(show("ABCD::") == "abcd::");
}

// "This error is also returned if the length of the address buffer is insufficient to hold
// the string representation" (inet_ntop: WSA_INVALID_PARAMETER, ERROR_INVALID_PARAMETER).
TEST_CASE("inet_ntop into a buffer one byte short fails with WSA_INVALID_PARAMETER",
          "[wsa][attack][addresses][W22]") {
  in_addr v4{};
  v4.s_addr = htonl(0x01020304);
  char small[7] = {};
  CHECK(inet_ntop(AF_INET, &v4, small, sizeof small) == nullptr);
  CHECK(WSAGetLastError() == WSA_INVALID_PARAMETER);
  char exact[8] = {};
  CHECK(inet_ntop(AF_INET, &v4, exact, sizeof exact) != nullptr);
  CHECK(std::string(exact) == "1.2.3.4");
}

TEST_CASE("inet_ntop on IPv4-compatible addresses", "[wsa][attack][addresses]") {
  char text[INET6_ADDRSTRLEN] = {};
  in6_addr v6{};
  REQUIRE(inet_pton(AF_INET6, "::1.2.3.4", &v6) == 1);
  const char* out = inet_ntop(AF_INET6, &v6, text, sizeof text);
  CHECK(std::string(out == nullptr ? "(null)" : out) == "::1.2.3.4");
}
