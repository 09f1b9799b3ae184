/* SPDX-License-Identifier: MIT */
/* evsel-wsa: must not compile: a POSIX socket header, then <winsock2.h>. */
/* clang-format off */
#include <sys/socket.h>
#include <winsock2.h>
/* clang-format on */

int main(void) {
  return 0;
}
