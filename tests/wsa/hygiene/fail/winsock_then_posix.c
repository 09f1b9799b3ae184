/* SPDX-License-Identifier: MIT */
/* evsel-wsa: must not compile: <winsock2.h>, then a POSIX socket header (the order is the
   test, hence no clang-format here). */
/* clang-format off */
#include <winsock2.h>
#include <sys/socket.h>
/* clang-format on */

int main(void) {
  return 0;
}
