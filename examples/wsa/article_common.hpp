// SPDX-License-Identifier: MIT
// The article's examples: what the server and the client both do, the same way. An option's
// value on the command line, and a connection's two directions: receive what is there, send
// while there is room.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <string>

#include <winsock2.h>

// The value of the option at argv[i]: the next word, taken (i moves past it).
struct OptionValue {
  const char* text = nullptr;
  unsigned long number = 0;  // the text read as a decimal number
  bool numeric = false;      // the whole text is that number
};

// False when the option is the last word and so has no value.
inline bool TakeOptionValue(int argc, char** argv, int& i, OptionValue& value) {
  if (i + 1 >= argc) return false;
  value.text = argv[++i];
  char* end = nullptr;
  value.number = std::strtoul(value.text, &end, 10);
  value.numeric = *value.text != '\0' && *end == '\0';
  return true;
}

// One recv, appended to `input`: Windows records FD_READ again while data is left. Returns the
// bytes read, 0 at the end of the stream, -1 when nothing was there (error 0) or on an error
// (its code in `error`).
inline int ReceiveSome(SOCKET s, std::string& input, int& error) {
  char buffer[4096];  // the size is the buffer's, not strlen of what it happens to hold
  int nRecv = ::recv(s, buffer, sizeof(buffer), 0);
  if (nRecv == SOCKET_ERROR) {
    int code = ::WSAGetLastError();
    error = code == WSAEWOULDBLOCK ? 0 : code;
    return -1;
  }
  input.append(buffer, static_cast<std::size_t>(nRecv));
  return nRecv;
}

// Sends `output` while the send buffer takes it, at most `chunk` bytes a call, and erases what
// went. After WSAEWOULDBLOCK only the next FD_WRITE says there is room again (the article's
// client never looked at FD_WRITE): `writable` goes false until then. Returns 0, or the code
// of a send that failed otherwise.
inline int SendSome(SOCKET s, std::string& output, bool& writable, std::size_t chunk) {
  while (writable && !output.empty()) {
    int nSent = ::send(s, output.data(), static_cast<int>(std::min(output.size(), chunk)), 0);
    if (nSent == SOCKET_ERROR) {
      int code = ::WSAGetLastError();
      if (code != WSAEWOULDBLOCK) return code;
      writable = false;
      return 0;
    }
    output.erase(0, static_cast<std::size_t>(nSent));
  }
  return 0;
}
