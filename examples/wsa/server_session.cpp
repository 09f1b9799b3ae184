// SPDX-License-Identifier: MIT
// The article's server: a session's I/O. Lines in, answers out, the close read to its end.
#include "server_session.hpp"

#include <atomic>
#include <string>
#include <utility>

#include "article_common.hpp"
#include "winsock_init.hpp"

namespace {

// A longer line without its end is an error: a client cannot make the server hoard memory.
constexpr std::size_t kMaxLine = 4096;

std::atomic<unsigned long> g_messages{0};

void Fail(SocketObj& so, const char* what, int code) {
  if (so.error.empty()) so.error = std::string(what) + " failed with " + std::to_string(code);
}

void Flush(SocketObj& so) {
  if (!so.error.empty()) return;
  if (int code = SendSome(so.s, so.output, so.writable, 65536)) Fail(so, "send", code);
}

void HandleLine(SocketObj& so, std::string line, int threadNumber) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (so.name.empty()) {
    std::string name = line.compare(0, 6, "LOGIN ") == 0 ? line.substr(6) : std::string();
    if (name.empty() || name.size() > 32 || name.find(' ') != std::string::npos) {
      so.output += "DENIED expected LOGIN <name>\n";
      so.hangUp = true;
      return;
    }
    so.name = name;
    so.output += "WELCOME " + name + "\n";
    LogLine("login %s (thread %d)", name.c_str(), threadNumber);
    return;
  }
  so.output += so.name + ": " + line + "\n";
  ++so.messages;
  ++g_messages;
  LogLine("message %s: %s", so.name.c_str(), line.c_str());
}

// One recv (ReceiveSome), its whole lines handled. Returns the bytes read, 0 at the end of
// the stream, -1 when nothing is there (or on an error, kept in so.error).
int ReadSome(SocketObj& so, int threadNumber) {
  int code = 0;
  int nRecv = ReceiveSome(so.s, so.input, code);
  if (nRecv < 0) {
    if (code != 0) Fail(so, "recv", code);
    return -1;
  }
  std::size_t end;
  while (!so.hangUp && (end = so.input.find('\n')) != std::string::npos) {
    std::string line = so.input.substr(0, end);
    so.input.erase(0, end + 1);
    HandleLine(so, std::move(line), threadNumber);
  }
  if (so.input.size() > kMaxLine) Fail(so, "a line within the length limit", 0);
  return nRecv;
}

}  // namespace

void HandleIo(SocketObj& so, int threadNumber) {
  WSANETWORKEVENTS event;
  // Resets the event object too, in the same step.
  if (::WSAEnumNetworkEvents(so.s, so.event, &event) == SOCKET_ERROR) {
    Fail(so, "WSAEnumNetworkEvents", ::WSAGetLastError());
    return;
  }
  // Every bit, not an else-if chain: one record may hold a read, a write and the close.
  if (event.lNetworkEvents & FD_READ) {
    if (event.iErrorCode[FD_READ_BIT] != 0) {
      Fail(so, "FD_READ", event.iErrorCode[FD_READ_BIT]);
    } else {
      ReadSome(so, threadNumber);
    }
  }
  if (event.lNetworkEvents & FD_WRITE) {
    if (event.iErrorCode[FD_WRITE_BIT] != 0) {
      Fail(so, "FD_WRITE", event.iErrorCode[FD_WRITE_BIT]);
    } else {
      so.writable = true;
    }
  }
  if (event.lNetworkEvents & FD_CLOSE) {
    if (event.iErrorCode[FD_CLOSE_BIT] != 0) {
      Fail(so, "FD_CLOSE", event.iErrorCode[FD_CLOSE_BIT]);
    } else {
      // Windows reports the close as the peer's FIN arrives, maybe with data still unread:
      // closing now would drop the client's last lines. Read up to the end first.
      while (so.error.empty() && !so.hangUp && ReadSome(so, threadNumber) > 0) {
      }
      so.peerClosed = true;
    }
  }
  Flush(so);
}

bool Finished(const SocketObj& so) {
  return !so.error.empty() || ((so.peerClosed || so.hangUp) && so.output.empty());
}

unsigned long MessagesEchoed() {
  return g_messages.load();
}
