// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: attacks by datagram. Empty UDP datagrams, a UDP socket selected
// before it is bound, and FIONREAD with several datagrams queued. Every case states what
// Windows does.
#include <thread>

#include <winsock2.h>

#include "support/catch.hpp"
#include "wsa_support.hpp"

using namespace wsa_test;

// UDP carries empty datagrams: sendto of 0 bytes sends one, and recvfrom returns 0 for it,
// with the sender's address; FD_READ announces it like any datagram.
TEST_CASE("An empty UDP datagram is sent, announced by FD_READ and received as 0 bytes",
          "[wsa][attack][lengths][udp]") {
  const wsa_session session;
  socket_handle receiver = make_bound_udp_socket();
  socket_handle sender = make_bound_udp_socket();
  const event_handle e;
  REQUIRE(WSAEventSelect(receiver.get(), e.get(), FD_READ) == 0);
  const sockaddr_in to = local_address(receiver.get());
  CHECK(sendto(sender.get(), "", 0, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0);
  expect_record_with(receiver.get(), e.get(), FD_READ);
  char buffer[8];
  sockaddr_in from{};
  int from_length = sizeof from;
  CHECK(recvfrom(receiver.get(), buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from),
                 &from_length) == 0);
  CHECK(from.sin_port == local_address(sender.get()).sin_port);
}

// WSAEventSelect on a UDP socket not yet bound leaves it unbound: bind afterwards works, at
// the address the program chose.
TEST_CASE("A UDP socket selected before it is bound can still be bound where the program wants",
          "[wsa][attack][udp]") {
  const wsa_session session;
  socket_handle s = make_udp_socket();
  const event_handle e;
  REQUIRE(WSAEventSelect(s.get(), e.get(), FD_READ | FD_WRITE) == 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(bind(s.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
  INFO("bind failed with " << WSAGetLastError());
  const sockaddr_in bound = local_address(s.get());
  CHECK(bound.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
  // And it receives there.
  socket_handle sender = make_bound_udp_socket();
  CHECK(sendto(sender.get(), "u", 1, 0, reinterpret_cast<const sockaddr*>(&bound), sizeof bound) ==
        1);
  expect_record_with(s.get(), e.get(), FD_READ);
}

// "If s is message oriented (for example, type SOCK_DGRAM), FIONREAD still returns the amount
// of pending data in the network buffer" (ioctlsocket): every datagram queued, not the first.
TEST_CASE("FIONREAD on UDP counts every datagram queued",
          "[wsa][attack][udp][W20][layer-difference]") {
  const wsa_session session;
  socket_handle receiver = make_bound_udp_socket();
  socket_handle sender = make_bound_udp_socket();
  const sockaddr_in to = local_address(receiver.get());
  REQUIRE(sendto(sender.get(), "0123456789", 10, 0, reinterpret_cast<const sockaddr*>(&to),
                 sizeof to) == 10);
  REQUIRE(sendto(sender.get(), "01234567890123456789", 20, 0,
                 reinterpret_cast<const sockaddr*>(&to), sizeof to) == 20);
  std::this_thread::sleep_for(ms(100));
  u_long queued = 0;
  CHECK(ioctlsocket(receiver.get(), FIONREAD, &queued) == 0);
  CHECK(queued == 30);
}
