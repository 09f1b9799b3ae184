/* SPDX-License-Identifier: MIT */
/* evsel-wsa: a C11 Winsock program (an echo over loopback, driven by WSAEventSelect): the
   layer's headers compile as C under the strictest warnings, and the library links into a C
   program. Exits 0 when the bytes came back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winsock2.h>
#include <ws2tcpip.h>

static int fail(const char* what) {
  fprintf(stderr, "%s failed: %d\n", what, WSAGetLastError());
  return 1;
}

int main(void) {
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return 1;
  SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (listener == INVALID_SOCKET) return fail("socket");
  struct sockaddr_in address;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_port = htons(0);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (SOCKADDR*)&address, sizeof address) == SOCKET_ERROR) return fail("bind");
  int length = sizeof address;
  if (getsockname(listener, (SOCKADDR*)&address, &length) == SOCKET_ERROR) {
    return fail("getsockname");
  }
  if (listen(listener, SOMAXCONN) == SOCKET_ERROR) return fail("listen");

  SOCKET client = socket(AF_INET, SOCK_STREAM, 0);
  WSAEVENT event = WSACreateEvent();
  if (client == INVALID_SOCKET || event == WSA_INVALID_EVENT) return fail("socket/event");
  if (WSAEventSelect(client, event, FD_CONNECT | FD_READ | FD_CLOSE) == SOCKET_ERROR) {
    return fail("WSAEventSelect");
  }
  if (connect(client, (SOCKADDR*)&address, sizeof address) == SOCKET_ERROR &&
      WSAGetLastError() != WSAEWOULDBLOCK) {
    return fail("connect");
  }
  SOCKET server = accept(listener, NULL, NULL);
  if (server == INVALID_SOCKET) return fail("accept");
  if (send(server, "ping", 4, 0) != 4) return fail("send");

  char received[8] = {0};
  int total = 0;
  while (total < 4) {
    DWORD woke = WSAWaitForMultipleEvents(1, &event, FALSE, 5000, FALSE);
    if (woke != WSA_WAIT_EVENT_0) return fail("WSAWaitForMultipleEvents");
    WSANETWORKEVENTS happened;
    if (WSAEnumNetworkEvents(client, event, &happened) == SOCKET_ERROR) {
      return fail("WSAEnumNetworkEvents");
    }
    if ((happened.lNetworkEvents & FD_CONNECT) && happened.iErrorCode[FD_CONNECT_BIT] != 0) {
      return 1;
    }
    if (happened.lNetworkEvents & FD_READ) {
      int got = recv(client, received + total, (int)sizeof received - 1 - total, 0);
      if (got > 0) total += got;
    }
  }
  char text[INET_ADDRSTRLEN];
  if (inet_ntop(AF_INET, &address.sin_addr, text, sizeof text) == NULL) return fail("inet_ntop");
  printf("%s from %s:%u\n", received, text, (unsigned)ntohs(address.sin_port));
  closesocket(server);
  closesocket(client);
  closesocket(listener);
  WSACloseEvent(event);
  WSACleanup();
  return strcmp(received, "ping") == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
