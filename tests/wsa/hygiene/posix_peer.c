/* SPDX-License-Identifier: MIT */
/* evsel-wsa: a library built without the layer (the system's <sys/socket.h>), linked into a
   program that uses the layer: its send and recv must still be the C library's. */
#include "posix_peer.h"

#include <string.h>

#include <sys/socket.h>
#include <unistd.h>

int evsel_wsa_test_libc_round_trip(void) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) return 1;
  char received[8] = {0};
  int status = 0;
  if (send(pair[0], "libc", 4, 0) != 4) status = 2;
  if (status == 0 && recv(pair[1], received, sizeof received, 0) != 4) status = 3;
  if (status == 0 && memcmp(received, "libc", 4) != 0) status = 4;
  close(pair[0]);
  close(pair[1]);
  return status;
}
