/* SPDX-License-Identifier: MIT */
/* evsel-wsa: must not compile: select on the Windows fd_set, which the layer refuses. */
#include <winsock2.h>

int main(void) {
  fd_set readable;
  FD_ZERO(&readable);
  FD_SET(INVALID_SOCKET, &readable);
  return select(0, &readable, NULL, NULL, NULL);
}
