/* SPDX-License-Identifier: MIT */
/* evsel-wsa: a Winsock program whose process also holds code built for POSIX sockets: with
   the layer started (its pump thread running), the C library's send and recv still work
   there, and the program's own send is the layer's. Exits 0 when both hold. */
#include <stdio.h>

#include <winsock2.h>

#include "posix_peer.h"

int main(void) {
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return 10;
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) return 11;
  const int libc = evsel_wsa_test_libc_round_trip();
  if (libc != 0) {
    fprintf(stderr, "the C library's send/recv failed at step %d\n", libc);
    return libc;
  }
  /* A handle the layer never gave out: Winsock's answer, not a POSIX one. */
  if (send((SOCKET)12345, "x", 1, 0) != SOCKET_ERROR || WSAGetLastError() != WSAENOTSOCK) {
    fprintf(stderr, "send on an unknown SOCKET did not fail with WSAENOTSOCK\n");
    return 12;
  }
  closesocket(s);
  WSACleanup();
  puts("libc and the layer side by side: ok");
  return 0;
}
