/* SPDX-License-Identifier: MIT */
/* evsel-wsa: must not compile: overlapped WSARecv, which the layer refuses. */
#include <winsock2.h>

int main(void) {
  DWORD received = 0;
  DWORD flags = 0;
  return WSARecv(INVALID_SOCKET, NULL, 0, &received, &flags, NULL, NULL);
}
