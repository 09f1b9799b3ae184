/* SPDX-License-Identifier: MIT */
/* evsel-wsa: <winsock2.h> for POSIX systems, on evsel (docs/wsa.md). Windows' types, values
   and structure layouts; the calls under their Winsock names with linker symbols of their
   own (evsel_wsa_*), so the C library's socket functions stay untouched. */
#ifndef EVSEL_WSA_WINSOCK2_H
#define EVSEL_WSA_WINSOCK2_H

/* Winsock and POSIX declare the same names differently (sockaddr_in, AF_INET6, bind's first
   parameter): one clear message instead of a wall of conflicts. The other order is caught by
   the layer's own <sys/socket.h>, <netinet/in.h>, <arpa/inet.h> and <netdb.h>. The guards
   are glibc's and musl's (_SYS_SOCKET_H), the BSDs' and macOS' (_SYS_SOCKET_H_), and the
   layer's own shims' marker. */
#if defined(EVSEL_WSA_POSIX_SOCKET_HEADER) || defined(_SYS_SOCKET_H) || defined(_SYS_SOCKET_H_) || \
    defined(_NETINET_IN_H) || defined(_NETINET_IN_H_) || defined(_ARPA_INET_H) ||                  \
    defined(_ARPA_INET_H_) || defined(_NETDB_H) || defined(_NETDB_H_)
#error \
    "evsel-wsa: <winsock2.h> cannot follow a POSIX socket header (<sys/socket.h>, <netinet/in.h>, <arpa/inet.h>, <netdb.h>) in one source file: use Winsock alone in this file, and POSIX sockets in another (docs/wsa.md)"
#else

/* In this order: <sys/select.h> first, so that its select and FD_* can be taken over by
   evsel_wsa/refused.h; each part uses the ones before it. */
/* clang-format off */
#include <sys/select.h>
#include "evsel_wsa/base.h"
#include "evsel_wsa/errors.h"
#include "evsel_wsa/constants.h"
#include "evsel_wsa/types.h"
#include "evsel_wsa/addresses.h"
#include "evsel_wsa/calls.h"
#include "evsel_wsa/refused.h"
/* clang-format on */

#endif
#endif
