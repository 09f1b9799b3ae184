// SPDX-License-Identifier: MIT
// The article's server: one client's session (the book's SOCKET_OBJ) and what its worker does
// with each record of the session's socket. The protocol is in server.cpp and README.md.
#pragma once

#include <string>

#include <winsock2.h>

// One client (the book's SOCKET_OBJ).
struct SocketObj {
  SOCKET s = INVALID_SOCKET;
  WSAEVENT event = WSA_INVALID_EVENT;
  std::string name;         // empty until LOGIN
  std::string input;        // received, not yet a whole line
  std::string output;       // echoes waiting for room in the send buffer
  bool writable = false;    // an FD_WRITE came, and no send failed with WSAEWOULDBLOCK since
  bool peerClosed = false;  // FD_CLOSE came and the data before it has been read
  bool hangUp = false;      // close once the output is sent (a refused login)
  std::string error;        // why the session failed, if it did
  unsigned messages = 0;
};

// Takes the socket's record (WSAEnumNetworkEvents, which resets so.event) and acts on every
// event in it: reads and answers whole lines, sends what waits, notes the peer's close.
void HandleIo(SocketObj& so, int threadNumber);

// The session is over: it failed, or the peer closed or the login was refused and every
// answer has gone out.
bool Finished(const SocketObj& so);

// The messages echoed so far, by every session.
unsigned long MessagesEchoed();
