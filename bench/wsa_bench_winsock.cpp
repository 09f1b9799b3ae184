// SPDX-License-Identifier: MIT
// evsel-wsa-bench: the Winsock side (wsa_bench.hpp): on POSIX through evsel-wsa, on Windows
// through the real ws2_32.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <winsock2.h>
#include <ws2tcpip.h>

#include "wsa_bench.hpp"

namespace evsel_wsa_bench {

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "evsel-wsa-bench: %s failed with %d\n", what, WSAGetLastError());
  std::exit(1);
}

SOCKET tcp_socket() {
  const SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) fail("socket");
  const BOOL on = TRUE;
  if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&on), sizeof on) != 0) {
    fail("setsockopt(TCP_NODELAY)");
  }
  return s;
}

// Blocking sockets: the pairs are made before anything is selected.
void connect_pairs(std::size_t pairs, std::vector<SOCKET>& clients, std::vector<SOCKET>& servers) {
  const SOCKET listener = tcp_socket();
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int length = sizeof where;
  if (bind(listener, reinterpret_cast<sockaddr*>(&where), sizeof where) != 0 ||
      listen(listener, SOMAXCONN) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&where), &length) != 0) {
    fail("listening socket");
  }
  for (std::size_t i = 0; i < pairs; ++i) {
    const SOCKET c = tcp_socket();
    if (connect(c, reinterpret_cast<sockaddr*>(&where), sizeof where) != 0) fail("connect");
    const SOCKET s = accept(listener, nullptr, nullptr);
    if (s == INVALID_SOCKET) fail("accept");
    const BOOL on = TRUE;
    (void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&on), sizeof on);
    clients.push_back(c);
    servers.push_back(s);
  }
  closesocket(listener);
}

}  // namespace

double winsock_exchange(std::size_t pairs, std::size_t rounds, std::size_t size) {
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) fail("WSAStartup");
  std::vector<SOCKET> sockets;  // clients at even indices, their servers after them
  {
    std::vector<SOCKET> clients, servers;
    connect_pairs(pairs, clients, servers);
    for (std::size_t i = 0; i < pairs; ++i) {
      sockets.push_back(clients[i]);
      sockets.push_back(servers[i]);
    }
  }
  std::vector<WSAEVENT> events;
  for (const SOCKET s : sockets) {
    const WSAEVENT e = WSACreateEvent();
    if (e == WSA_INVALID_EVENT || WSAEventSelect(s, e, FD_READ) != 0) fail("WSAEventSelect");
    events.push_back(e);
  }
  std::vector<char> buffer(size, 'x');
  const auto count = static_cast<DWORD>(events.size());
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t round = 0; round < rounds; ++round) {
    for (std::size_t i = 0; i < sockets.size(); i += 2) {
      if (send(sockets[i], buffer.data(), static_cast<int>(size), 0) != static_cast<int>(size)) {
        fail("send (client)");
      }
    }
    // Every client must have its echo back (all `size` bytes) before the next round.
    std::vector<std::size_t> echoed(pairs, 0);
    std::size_t done = 0;
    while (done < pairs) {
      const DWORD signalled = WSAWaitForMultipleEvents(count, events.data(), FALSE, 10000, FALSE);
      if (signalled == WSA_WAIT_FAILED || signalled == WSA_WAIT_TIMEOUT) fail("the wait");
      for (DWORD i = signalled - WSA_WAIT_EVENT_0; i < count; ++i) {
        WSANETWORKEVENTS happened;
        if (WSAEnumNetworkEvents(sockets[i], events[i], &happened) != 0) fail("enumerate");
        if ((happened.lNetworkEvents & FD_READ) == 0) continue;
        const int n = recv(sockets[i], buffer.data(), static_cast<int>(size), 0);
        if (n <= 0) fail("recv");
        if (i % 2 == 1) {  // a server: echo what came
          if (send(sockets[i], buffer.data(), n, 0) != n) fail("send (server)");
        } else if ((echoed[i / 2] += static_cast<std::size_t>(n)) == size) {
          ++done;
        }
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const SOCKET s : sockets) closesocket(s);
  for (const WSAEVENT e : events) WSACloseEvent(e);
  WSACleanup();
  return seconds / static_cast<double>(rounds * pairs);
}

}  // namespace evsel_wsa_bench
