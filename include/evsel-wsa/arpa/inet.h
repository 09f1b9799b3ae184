/* SPDX-License-Identifier: MIT */
/* evsel-wsa: stands in front of the system's <arpa/inet.h> on the layer's include path. A
   source file that included <winsock2.h> gets one clear error instead of conflicting
   declarations; any other file (and the system headers' own nested includes) gets the real
   header, so one target can mix Winsock files and POSIX files. */
/* For #include_next, which -Wpedantic calls an extension; the #error still shows. */
#pragma GCC system_header
#ifdef EVSEL_WSA_WINSOCK2_H
#error \
    "evsel-wsa: <arpa/inet.h> cannot follow <winsock2.h> in one source file: use Winsock alone in this file, and POSIX sockets in another (docs/wsa.md)"
#else
#ifndef EVSEL_WSA_POSIX_SOCKET_HEADER
#define EVSEL_WSA_POSIX_SOCKET_HEADER 1
#endif
#include_next <arpa/inet.h>
#endif
