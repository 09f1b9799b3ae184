/* SPDX-License-Identifier: MIT */
/* evsel-wsa: the Winsock calls and types the layer refuses, each with a compile-time message
   that says what to use instead (docs/wsa.md). Declaring them is what turns "undeclared
   identifier", or worse a silent call of a POSIX function of the same name, into that
   message. */
#ifndef EVSEL_WSA_REFUSED_H
#define EVSEL_WSA_REFUSED_H

#define EVSEL_WSA_NO_SELECT                                                                    \
  "evsel-wsa: select() and the Windows fd_set (FD_SET, FD_ISSET, ...) are not provided; wait " \
  "with WSAEventSelect and WSAWaitForMultipleEvents (docs/wsa.md)"
#define EVSEL_WSA_NO_OVERLAPPED                                                                \
  "evsel-wsa: overlapped I/O (WSARecv, WSASend, WSARecvFrom, WSASendTo, WSAIoctl, "            \
  "WSAGetOverlappedResult, AcceptEx, WSAOVERLAPPED, WSABUF) is not provided; use recv, send, " \
  "recvfrom, sendto and accept with WSAEventSelect (docs/wsa.md)"
#define EVSEL_WSA_NO_ASYNC_SELECT                                                            \
  "evsel-wsa: WSAAsyncSelect needs window messages and is not provided; use WSAEventSelect " \
  "with WSAWaitForMultipleEvents (docs/wsa.md)"
#define EVSEL_WSA_NO_POLL                                                                 \
  "evsel-wsa: WSAPoll is not provided; use WSAEventSelect with WSAWaitForMultipleEvents " \
  "(docs/wsa.md)"
#define EVSEL_WSA_NO_WSA_SOCKET                                                               \
  "evsel-wsa: WSASocket, WSAConnect and WSAAccept are not provided; use socket, connect and " \
  "accept (docs/wsa.md)"
#define EVSEL_WSA_NO_NAMES                                                                      \
  "evsel-wsa: name resolution (gethostbyname, getaddrinfo, ...) is not provided; give numeric " \
  "addresses to inet_pton (docs/wsa.md)"

EVSEL_WSA_BEGIN

/* <sys/select.h> (which <winsock2.h> includes first, as glibc's <stdlib.h> would anyway)
   declares POSIX's select, fd_set and FD_* macros. Taking the names over here means a
   Windows fd_set can never reach POSIX's select, whose fd_set is a bitmap of descriptors
   and not a list of SOCKETs. */
#undef FD_SET
#undef FD_CLR
#undef FD_ISSET
#undef FD_ZERO
#undef fd_set
struct EVSEL_WSA_REFUSED(EVSEL_WSA_NO_SELECT) evsel_wsa_fd_set;
typedef struct evsel_wsa_fd_set evsel_wsa_fd_set EVSEL_WSA_REFUSED(EVSEL_WSA_NO_SELECT);
int evsel_wsa_select(int nfds, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_SELECT);
int evsel_wsa_fd_set_macro(int unused, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_SELECT);
#define fd_set evsel_wsa_fd_set
#define select(...) evsel_wsa_select(__VA_ARGS__)
#define FD_SET(fd, set) evsel_wsa_fd_set_macro(0, fd, set)
#define FD_CLR(fd, set) evsel_wsa_fd_set_macro(0, fd, set)
#define FD_ISSET(fd, set) evsel_wsa_fd_set_macro(0, fd, set)
#define FD_ZERO(set) evsel_wsa_fd_set_macro(0, set)

/* Refused calls take (first argument, ...): any call reaches the declaration, and so the
   message, whatever the program passes. */
struct EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED) _WSAOVERLAPPED;
typedef struct _WSAOVERLAPPED WSAOVERLAPPED EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED);
typedef struct _WSAOVERLAPPED* LPWSAOVERLAPPED EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED);
struct EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED) _WSABUF;
typedef struct _WSABUF WSABUF EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED);
typedef struct _WSABUF* LPWSABUF EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED);
int WSARecv(SOCKET s, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED);
int WSASend(SOCKET s, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED);
int WSARecvFrom(SOCKET s, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED);
int WSASendTo(SOCKET s, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED);
int WSAIoctl(SOCKET s, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED);
BOOL WSAGetOverlappedResult(SOCKET s, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED);
BOOL AcceptEx(SOCKET sListenSocket, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_OVERLAPPED);

int WSAAsyncSelect(SOCKET s, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_ASYNC_SELECT);

/* Not `struct pollfd`: that is <poll.h>'s, which a program may well use beside Winsock. */
struct EVSEL_WSA_REFUSED(EVSEL_WSA_NO_POLL) evsel_wsa_pollfd;
typedef struct evsel_wsa_pollfd WSAPOLLFD EVSEL_WSA_REFUSED(EVSEL_WSA_NO_POLL);
int WSAPoll(const void* fdArray, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_POLL);

SOCKET WSASocketA(int af, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_WSA_SOCKET);
SOCKET WSASocketW(int af, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_WSA_SOCKET);
SOCKET WSASocket(int af, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_WSA_SOCKET);
int WSAConnect(SOCKET s, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_WSA_SOCKET);
SOCKET WSAAccept(SOCKET s, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_WSA_SOCKET);

struct EVSEL_WSA_REFUSED(EVSEL_WSA_NO_NAMES) hostent;
typedef struct hostent HOSTENT EVSEL_WSA_REFUSED(EVSEL_WSA_NO_NAMES);
struct EVSEL_WSA_REFUSED(EVSEL_WSA_NO_NAMES) addrinfo;
typedef struct addrinfo ADDRINFOA EVSEL_WSA_REFUSED(EVSEL_WSA_NO_NAMES);
typedef struct addrinfo* PADDRINFOA EVSEL_WSA_REFUSED(EVSEL_WSA_NO_NAMES);
struct hostent* gethostbyname(const char* name, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_NAMES);
struct hostent* gethostbyaddr(const char* addr, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_NAMES);
int getaddrinfo(const char* node, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_NAMES);
void freeaddrinfo(const void* info, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_NAMES);
int getnameinfo(const void* address, ...) EVSEL_WSA_REFUSED(EVSEL_WSA_NO_NAMES);

EVSEL_WSA_END

#endif
