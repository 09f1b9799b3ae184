/* SPDX-License-Identifier: MIT */
/* evsel-wsa: <ws2tcpip.h> for POSIX systems: socklen_t and the text forms of addresses. */
#ifndef EVSEL_WSA_WS2TCPIP_H
#define EVSEL_WSA_WS2TCPIP_H

#include "winsock2.h"

/* Nothing more when <winsock2.h> stopped with its #error. */
#ifdef EVSEL_WSA_CALLS_H

EVSEL_WSA_BEGIN

/* int, as Windows has it (the length parameters of accept, getsockname, ... are int*), where
   the C library's <unistd.h> has an unsigned socklen_t of its own, in either order: a macro
   takes the name over, and the libraries' guard macros (glibc, macOS, musl) keep their
   typedef from coming after this one. */
typedef int evsel_wsa_socklen_t;
#undef socklen_t
#define socklen_t evsel_wsa_socklen_t
#ifndef __socklen_t_defined
#define __socklen_t_defined
#endif
#ifndef _SOCKLEN_T
#define _SOCKLEN_T
#endif
#ifndef __DEFINED_socklen_t
#define __DEFINED_socklen_t
#endif

#define INET_ADDRSTRLEN 22
#define INET6_ADDRSTRLEN 65

/* clang-format off */
#define IN6ADDR_ANY_INIT {{{0}}}
#define IN6ADDR_LOOPBACK_INIT {{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}}
/* clang-format on */
extern const struct in6_addr in6addr_any EVSEL_WSA_DECL(in6addr_any);
extern const struct in6_addr in6addr_loopback EVSEL_WSA_DECL(in6addr_loopback);

/* Numeric text only (no names): 1 on success, 0 for text that is no address, -1 with
   WSAEAFNOSUPPORT or WSAEFAULT. */
INT inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf) EVSEL_WSA_DECL(inet_pton);
/* NULL with WSA_INVALID_PARAMETER when the buffer is too small. */
PCSTR inet_ntop(INT Family, const VOID* pAddr, PSTR pStringBuf, size_t StringBufSize)
    EVSEL_WSA_DECL(inet_ntop);
#define InetPtonA inet_pton
#define InetNtopA inet_ntop

EVSEL_WSA_END

#endif
#endif
