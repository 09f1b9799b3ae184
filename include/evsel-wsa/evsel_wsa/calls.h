/* SPDX-License-Identifier: MIT */
/* evsel-wsa: the Winsock calls the layer provides, with Microsoft's signatures. Each has the
   linker symbol evsel_wsa_<name> (EVSEL_WSA_DECL): the C library's bind, recv, ... stay what
   they are for every other user in the process. */
#ifndef EVSEL_WSA_CALLS_H
#define EVSEL_WSA_CALLS_H

EVSEL_WSA_BEGIN

int WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData) EVSEL_WSA_DECL(WSAStartup);
int WSACleanup(void) EVSEL_WSA_DECL(WSACleanup);
int WSAGetLastError(void) EVSEL_WSA_DECL(WSAGetLastError);
void WSASetLastError(int iError) EVSEL_WSA_DECL(WSASetLastError);

SOCKET socket(int af, int type, int protocol) EVSEL_WSA_DECL(socket);
int closesocket(SOCKET s) EVSEL_WSA_DECL(closesocket);
int bind(SOCKET s, const struct sockaddr* name, int namelen) EVSEL_WSA_DECL(bind);
int listen(SOCKET s, int backlog) EVSEL_WSA_DECL(listen);
SOCKET accept(SOCKET s, struct sockaddr* addr, int* addrlen) EVSEL_WSA_DECL(accept);
int connect(SOCKET s, const struct sockaddr* name, int namelen) EVSEL_WSA_DECL(connect);
int recv(SOCKET s, char* buf, int len, int flags) EVSEL_WSA_DECL(recv);
int send(SOCKET s, const char* buf, int len, int flags) EVSEL_WSA_DECL(send);
int recvfrom(SOCKET s, char* buf, int len, int flags, struct sockaddr* from, int* fromlen)
    EVSEL_WSA_DECL(recvfrom);
int sendto(SOCKET s, const char* buf, int len, int flags, const struct sockaddr* to, int tolen)
    EVSEL_WSA_DECL(sendto);
int shutdown(SOCKET s, int how) EVSEL_WSA_DECL(shutdown);
/* FIONBIO and FIONREAD; any other command fails with WSAEINVAL. */
int ioctlsocket(SOCKET s, long cmd, u_long* argp) EVSEL_WSA_DECL(ioctlsocket);
int setsockopt(SOCKET s, int level, int optname, const char* optval, int optlen)
    EVSEL_WSA_DECL(setsockopt);
int getsockopt(SOCKET s, int level, int optname, char* optval, int* optlen)
    EVSEL_WSA_DECL(getsockopt);
int getsockname(SOCKET s, struct sockaddr* name, int* namelen) EVSEL_WSA_DECL(getsockname);
int getpeername(SOCKET s, struct sockaddr* name, int* namelen) EVSEL_WSA_DECL(getpeername);

unsigned long inet_addr(const char* cp) EVSEL_WSA_DECL(inet_addr);
/* The text lives in a buffer of the calling thread, valid until its next inet_ntoa. */
char* inet_ntoa(struct in_addr in) EVSEL_WSA_DECL(inet_ntoa);

WSAEVENT WSACreateEvent(void) EVSEL_WSA_DECL(WSACreateEvent);
BOOL WSASetEvent(WSAEVENT hEvent) EVSEL_WSA_DECL(WSASetEvent);
BOOL WSAResetEvent(WSAEVENT hEvent) EVSEL_WSA_DECL(WSAResetEvent);
BOOL WSACloseEvent(WSAEVENT hEvent) EVSEL_WSA_DECL(WSACloseEvent);
int WSAEventSelect(SOCKET s, WSAEVENT hEventObject, long lNetworkEvents)
    EVSEL_WSA_DECL(WSAEventSelect);
int WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject, LPWSANETWORKEVENTS lpNetworkEvents)
    EVSEL_WSA_DECL(WSAEnumNetworkEvents);
/* fAlertable TRUE is accepted and waits as FALSE does: the layer has no APCs and no
   completion routines (no overlapped I/O, no QueueUserAPC), so nothing could ever be
   queued for the thread and WSA_WAIT_IO_COMPLETION can never be the answer. */
DWORD WSAWaitForMultipleEvents(DWORD cEvents,
                               const WSAEVENT* lphEvents,
                               BOOL fWaitAll,
                               DWORD dwTimeout,
                               BOOL fAlertable) EVSEL_WSA_DECL(WSAWaitForMultipleEvents);

EVSEL_WSA_END

#endif
