/* SPDX-License-Identifier: MIT */
/* evsel package test: a Winsock program in C, built unchanged against evsel-wsa (installed,
   through pkg-config, or embedded) on POSIX. */
#include <stdio.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>

static int fail(const char* what) {
  fprintf(stderr, "evsel-wsa-package-consumer: %s failed with %d\n", what, WSAGetLastError());
  return 1;
}

int main(void) {
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return fail("WSAStartup");
  SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (listener == INVALID_SOCKET) return fail("socket");
  struct sockaddr_in where;
  memset(&where, 0, sizeof where);
  where.sin_family = AF_INET;
  where.sin_addr.S_un.S_addr = htonl(INADDR_LOOPBACK);
  int length = (int)sizeof where;
  if (bind(listener, (struct sockaddr*)&where, (int)sizeof where) == SOCKET_ERROR ||
      listen(listener, SOMAXCONN) == SOCKET_ERROR ||
      getsockname(listener, (struct sockaddr*)&where, &length) == SOCKET_ERROR) {
    return fail("listening socket");
  }
  SOCKET client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (client == INVALID_SOCKET) return fail("socket");
  WSAEVENT events[2] = {WSACreateEvent(), WSACreateEvent()};
  if (events[0] == WSA_INVALID_EVENT || events[1] == WSA_INVALID_EVENT) return fail("WSACreateEvent");
  if (WSAEventSelect(listener, events[0], FD_ACCEPT) == SOCKET_ERROR ||
      WSAEventSelect(client, events[1], FD_CONNECT) == SOCKET_ERROR) {
    return fail("WSAEventSelect");
  }
  if (connect(client, (struct sockaddr*)&where, (int)sizeof where) != SOCKET_ERROR ||
      WSAGetLastError() != WSAEWOULDBLOCK) {
    return fail("connect (expected WSAEWOULDBLOCK)");
  }
  /* Both ends must be reported: FD_ACCEPT on the listener, FD_CONNECT without error. */
  int accepted = 0, connected = 0;
  for (int round = 0; round < 20 && !(accepted && connected); ++round) {
    DWORD signalled = WSAWaitForMultipleEvents(2, events, FALSE, 500, FALSE);
    if (signalled == WSA_WAIT_FAILED) return fail("WSAWaitForMultipleEvents");
    if (signalled == WSA_WAIT_TIMEOUT) continue;
    WSANETWORKEVENTS happened;
    for (DWORD i = signalled - WSA_WAIT_EVENT_0; i < 2; ++i) {
      if (WSAEnumNetworkEvents(i == 0 ? listener : client, events[i], &happened) == SOCKET_ERROR) {
        return fail("WSAEnumNetworkEvents");
      }
      if (happened.lNetworkEvents & FD_ACCEPT) accepted = 1;
      if (happened.lNetworkEvents & FD_CONNECT) {
        if (happened.iErrorCode[FD_CONNECT_BIT] != 0) return fail("FD_CONNECT");
        connected = 1;
      }
    }
  }
  if (!accepted || !connected) {
    fprintf(stderr, "evsel-wsa-package-consumer: no %s within 10 s\n",
            accepted ? "FD_CONNECT" : "FD_ACCEPT");
    return 1;
  }
  closesocket(client);
  closesocket(listener);
  WSACloseEvent(events[0]);
  WSACloseEvent(events[1]);
  WSACleanup();
  printf("evsel-wsa (%s): accept and connect reported\n", data.szDescription);
  return 0;
}
