/* SPDX-License-Identifier: MIT */
/* evsel-wsa: the handle and record types of the WSAEventSelect model, in Windows' layout. */
#ifndef EVSEL_WSA_TYPES_H
#define EVSEL_WSA_TYPES_H

EVSEL_WSA_BEGIN

/* Not a file descriptor: a handle the layer hands out, never reused in a process. */
typedef uintptr_t SOCKET;

typedef HANDLE WSAEVENT;
typedef WSAEVENT* LPWSAEVENT;

typedef struct _WSANETWORKEVENTS {
  long lNetworkEvents;
  int iErrorCode[FD_MAX_EVENTS];
} WSANETWORKEVENTS, *LPWSANETWORKEVENTS;

/* The 64-bit Windows field order (pointer-sized members first), on every POSIX target. */
typedef struct WSAData {
  WORD wVersion;
  WORD wHighVersion;
  unsigned short iMaxSockets;
  unsigned short iMaxUdpDg;
  char* lpVendorInfo;
  char szDescription[WSADESCRIPTION_LEN + 1];
  char szSystemStatus[WSASYS_STATUS_LEN + 1];
} WSADATA, *LPWSADATA;

EVSEL_WSA_END

#endif
