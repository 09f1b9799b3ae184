/* SPDX-License-Identifier: MIT */
/* evsel-wsa: what the layer's front headers (sys/socket.h, netinet/in.h, arpa/inet.h and
   netdb.h, which stand before the system's on the layer's include path) do before they hand
   over to the system's header. A source file that included <winsock2.h> gets one clear error
   instead of conflicting declarations (and the front header then includes nothing more); any
   other file, and the system headers' own nested includes, get the real header, so one
   target can mix Winsock files and POSIX files. The marker tells <winsock2.h> the other
   order. */
#ifdef EVSEL_WSA_WINSOCK2_H
#error \
    "evsel-wsa: a POSIX socket header (<sys/socket.h>, <netinet/in.h>, <arpa/inet.h>, <netdb.h>) cannot follow <winsock2.h> in one source file: use Winsock alone in this file, and POSIX sockets in another (docs/wsa.md)"
#define EVSEL_WSA_FRONT_REFUSED 1
#endif
#ifndef EVSEL_WSA_POSIX_SOCKET_HEADER
#define EVSEL_WSA_POSIX_SOCKET_HEADER 1
#endif
