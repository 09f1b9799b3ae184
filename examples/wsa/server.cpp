// SPDX-License-Identifier: MIT
// The article's WSAEventSelect server, in the multi-threaded form its section 2.6 describes:
// the main thread accepts, and worker threads wait with WSAWaitForMultipleEvents on up to 64
// events each, the first of them a "rebuild" event that the main thread sets when it hands a
// worker a new socket. So there is no limit of 64 clients, and several threads wait at once.
// Protocol (README.md): "LOGIN <name>" answered by "WELCOME <name>", then every line echoed
// back as "<name>: <line>"; the client ends the session by closing its side.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <winsock2.h>

#include "winsock_init.hpp"

namespace {

// A longer line without its end is an error: a client cannot make the server hoard memory.
constexpr std::size_t kMaxLine = 4096;

struct Options {
  const char* address = "0.0.0.0";
  unsigned short nPort = 4567;  // the article's port
  unsigned long stopAfter = 0;  // stop once that many sessions have ended; 0: never
};

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

// One worker (the book's THREAD_OBJ). Its event 0 is the rebuild event.
struct ThreadObj {
  int number = 0;
  WSAEVENT rebuild = WSA_INVALID_EVENT;
  std::mutex cs;  // guards what follows: the main thread hands over, the worker takes
  std::vector<std::unique_ptr<SocketObj>> incoming;
  int nSocketCount = 0;  // served or handed over: at most WSA_MAXIMUM_WAIT_EVENTS - 1
  bool stopping = false;
  std::thread thread;
};

Options g_options;
WSAEVENT g_stopEvent = WSA_INVALID_EVENT;
std::atomic<unsigned long> g_sessionsEnded{0};
std::atomic<unsigned long> g_messages{0};
std::atomic<long> g_connections{0};

void Fail(SocketObj& so, const char* what, int code) {
  if (so.error.empty()) so.error = std::string(what) + " failed with " + std::to_string(code);
}

void Flush(SocketObj& so) {
  while (so.writable && !so.output.empty() && so.error.empty()) {
    int chunk = static_cast<int>(std::min<std::size_t>(so.output.size(), 65536));
    int nSent = ::send(so.s, so.output.data(), chunk, 0);
    if (nSent == SOCKET_ERROR) {
      int code = ::WSAGetLastError();
      // The buffer is full: FD_WRITE is recorded once there is room again, not before.
      if (code == WSAEWOULDBLOCK) {
        so.writable = false;
      } else {
        Fail(so, "send", code);
      }
      return;
    }
    so.output.erase(0, static_cast<std::size_t>(nSent));
  }
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

// One recv: Windows records FD_READ again while data is left. Returns the bytes read, 0 at
// the end of the stream, -1 when nothing is there (or on an error, kept in so.error).
int ReadSome(SocketObj& so, int threadNumber) {
  char szText[4096];  // the size is the buffer's, not strlen of what it happens to hold
  int nRecv = ::recv(so.s, szText, sizeof(szText), 0);
  if (nRecv == SOCKET_ERROR) {
    int code = ::WSAGetLastError();
    if (code != WSAEWOULDBLOCK) Fail(so, "recv", code);
    return -1;
  }
  so.input.append(szText, static_cast<std::size_t>(nRecv));
  std::size_t end;
  while (!so.hangUp && (end = so.input.find('\n')) != std::string::npos) {
    std::string line = so.input.substr(0, end);
    so.input.erase(0, end + 1);
    HandleLine(so, std::move(line), threadNumber);
  }
  if (so.input.size() > kMaxLine) Fail(so, "a line within the length limit", 0);
  return nRecv;
}

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

void CloseSession(SocketObj& so, const char* reason) {
  // A FIN after the last echo; on an error there is nothing left worth saying.
  if (so.error.empty()) ::shutdown(so.s, SD_SEND);
  ::closesocket(so.s);
  ::WSACloseEvent(so.event);
  const char* name = so.name.empty() ? "(not logged in)" : so.name.c_str();
  std::string why = so.error.empty() ? reason : so.error;
  LogLine("close %s: %s, %u messages", name, why.c_str(), so.messages);
  --g_connections;
  unsigned long ended = ++g_sessionsEnded;
  if (g_options.stopAfter != 0 && ended == g_options.stopAfter) ::WSASetEvent(g_stopEvent);
}

void ServerThread(ThreadObj* thread) {
  // The two arrays move in step: index i of one is index i of the other.
  WSAEVENT eventArray[WSA_MAXIMUM_WAIT_EVENTS];
  SocketObj* sockArray[WSA_MAXIMUM_WAIT_EVENTS];
  std::vector<std::unique_ptr<SocketObj>> owned;
  eventArray[0] = thread->rebuild;
  sockArray[0] = nullptr;
  DWORD nEventTotal = 1;
  bool stopping = false;
  while (!stopping) {
    DWORD nIndex = ::WSAWaitForMultipleEvents(nEventTotal, eventArray, FALSE, WSA_INFINITE, FALSE);
    if (nIndex == WSA_WAIT_FAILED) {
      LogLine("thread %d: WSAWaitForMultipleEvents failed with %d", thread->number,
              ::WSAGetLastError());
      ::WSASetEvent(g_stopEvent);
      break;
    }
    // The wait names the lowest signalled index only. Look at every event, starting there and
    // wrapping around, so that a busy socket at a low index cannot starve the ones above it.
    DWORD first = nIndex - WSA_WAIT_EVENT_0;
    bool rebuild = false;
    for (DWORD k = 0; k < nEventTotal; ++k) {
      DWORD i = (first + k) % nEventTotal;
      if (::WSAWaitForMultipleEvents(1, &eventArray[i], TRUE, 0, FALSE) != WSA_WAIT_EVENT_0) {
        continue;
      }
      if (i == 0) {
        ::WSAResetEvent(eventArray[0]);
        rebuild = true;
      } else {
        HandleIo(*sockArray[i], thread->number);
      }
    }
    // Finished sessions leave both arrays at once, after the scan, so no index moves under it.
    int removed = 0;
    for (auto it = owned.begin(); it != owned.end();) {
      if (Finished(**it)) {
        CloseSession(**it, "client left");
        it = owned.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
    if (rebuild || removed != 0) {
      std::lock_guard<std::mutex> guard(thread->cs);
      thread->nSocketCount -= removed;
      for (auto& so : thread->incoming) owned.push_back(std::move(so));
      thread->incoming.clear();
      stopping = thread->stopping;
    }
    nEventTotal = 1;
    for (auto& so : owned) {
      eventArray[nEventTotal] = so->event;
      sockArray[nEventTotal] = so.get();
      ++nEventTotal;
    }
  }
  for (auto& so : owned) CloseSession(*so, "server stopping");
}

// Hands the socket to a worker with a free slot, or to a new worker.
int AssignToFreeThread(std::vector<std::unique_ptr<ThreadObj>>& threads,
                       std::unique_ptr<SocketObj> so) {
  for (auto& thread : threads) {
    std::unique_lock<std::mutex> guard(thread->cs);
    // One slot of the 64 is the rebuild event's.
    if (thread->nSocketCount < WSA_MAXIMUM_WAIT_EVENTS - 1) {
      thread->incoming.push_back(std::move(so));
      ++thread->nSocketCount;
      guard.unlock();
      ::WSASetEvent(thread->rebuild);
      return thread->number;
    }
  }
  auto thread = std::make_unique<ThreadObj>();
  thread->number = static_cast<int>(threads.size()) + 1;
  thread->rebuild = ::WSACreateEvent();
  if (thread->rebuild == WSA_INVALID_EVENT) {
    ::closesocket(so->s);
    ::WSACloseEvent(so->event);
    --g_connections;
    return 0;
  }
  thread->incoming.push_back(std::move(so));
  thread->nSocketCount = 1;
  // Set before the start: the worker's first wait takes the socket at once.
  ::WSASetEvent(thread->rebuild);
  thread->thread = std::thread(ServerThread, thread.get());
  threads.push_back(std::move(thread));
  LogLine("thread %d started", threads.back()->number);
  return threads.back()->number;
}

// Accepts every connection waiting, not one per FD_ACCEPT: a burst is taken in one go.
// Returns how many.
int AcceptAll(SOCKET sListen, std::vector<std::unique_ptr<ThreadObj>>& threads, long& peak) {
  int accepted = 0;
  for (;;) {
    SOCKET sNew = ::accept(sListen, nullptr, nullptr);
    if (sNew == INVALID_SOCKET) {
      int code = ::WSAGetLastError();
      if (code != WSAEWOULDBLOCK) LogLine("accept failed with %d", code);
      return accepted;
    }
    ++accepted;
    auto so = std::make_unique<SocketObj>();
    so->s = sNew;
    so->event = ::WSACreateEvent();
    // The accepted socket inherits the listener's FD_ACCEPT selection: replace it.
    if (so->event == WSA_INVALID_EVENT ||
        ::WSAEventSelect(sNew, so->event, FD_READ | FD_WRITE | FD_CLOSE) == SOCKET_ERROR) {
      LogLine("a new connection could not be selected: %d", ::WSAGetLastError());
      ::closesocket(sNew);
      if (so->event != WSA_INVALID_EVENT) ::WSACloseEvent(so->event);
      continue;
    }
    peak = std::max(peak, ++g_connections);
    if (AssignToFreeThread(threads, std::move(so)) == 0) {
      LogLine("no thread for a new connection");
      return accepted;
    }
  }
}

bool ParseOptions(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string option = argv[i];
    if (i + 1 >= argc) return false;
    const char* value = argv[++i];
    char* end = nullptr;
    unsigned long number = std::strtoul(value, &end, 10);
    bool numeric = *value != '\0' && *end == '\0';
    if (option == "--address") {
      g_options.address = value;
    } else if (option == "--port" && numeric && number <= 65535) {
      g_options.nPort = static_cast<unsigned short>(number);
    } else if (option == "--stop-after" && numeric) {
      g_options.stopAfter = number;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (!ParseOptions(argc, argv)) {
    std::fprintf(stderr, "usage: %s [--address A] [--port P (0: any)] [--stop-after SESSIONS]\n",
                 argv[0]);
    return 2;
  }
  WinsockInit theSock;
  if (theSock.error() != 0) {
    std::printf("WSAStartup failed with %d\n", theSock.error());
    return 1;
  }
  SOCKET sListen = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (sListen == INVALID_SOCKET) {
    std::printf("Failed socket() with %d\n", ::WSAGetLastError());
    return 1;
  }
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = ::htons(g_options.nPort);
  sin.sin_addr.S_un.S_addr = ::inet_addr(g_options.address);
  if (::bind(sListen, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) == SOCKET_ERROR) {
    std::printf("Failed bind() with %d\n", ::WSAGetLastError());
    return 1;
  }
  // The article's backlog of 5 turns a burst of clients away: take the system's maximum.
  if (::listen(sListen, SOMAXCONN) == SOCKET_ERROR) {
    std::printf("Failed listen() with %d\n", ::WSAGetLastError());
    return 1;
  }
  int nameLength = sizeof(sin);
  ::getsockname(sListen, reinterpret_cast<sockaddr*>(&sin), &nameLength);
  LogLine("listening on port %u", static_cast<unsigned>(::ntohs(sin.sin_port)));

  WSAEVENT event = ::WSACreateEvent();
  g_stopEvent = ::WSACreateEvent();
  if (event == WSA_INVALID_EVENT || g_stopEvent == WSA_INVALID_EVENT ||
      ::WSAEventSelect(sListen, event, FD_ACCEPT | FD_CLOSE) == SOCKET_ERROR) {
    std::printf("Failed to select the listening socket's events: %d\n", ::WSAGetLastError());
    return 1;
  }
  // The stop event first: of several signalled events the wait names the lowest, and a
  // stream of connections must not hide the stop.
  WSAEVENT waitArray[2] = {g_stopEvent, event};
  std::vector<std::unique_ptr<ThreadObj>> threads;
  long peak = 0;
  bool lookAgain = false;
  for (;;) {
    // As in the book, not WSA_INFINITE: every 5 s, or every 50 ms while the listener must be
    // looked at (below).
    DWORD nIndex =
        ::WSAWaitForMultipleEvents(2, waitArray, FALSE, lookAgain ? 50 : 5 * 1000, FALSE);
    if (nIndex == WSA_WAIT_TIMEOUT) {
      if (lookAgain) lookAgain = AcceptAll(sListen, threads, peak) == 0;
      continue;
    }
    if (nIndex == WSA_WAIT_FAILED) {
      LogLine("WSAWaitForMultipleEvents failed with %d", ::WSAGetLastError());
      break;
    }
    if (nIndex == WSA_WAIT_EVENT_0) break;
    WSANETWORKEVENTS netEvents;
    if (::WSAEnumNetworkEvents(sListen, event, &netEvents) == SOCKET_ERROR) {
      LogLine("WSAEnumNetworkEvents failed with %d", ::WSAGetLastError());
      break;
    }
    if (!(netEvents.lNetworkEvents & FD_ACCEPT)) continue;
    if (netEvents.iErrorCode[FD_ACCEPT_BIT] != 0) {
      LogLine("FD_ACCEPT failed with %d", netEvents.iErrorCode[FD_ACCEPT_BIT]);
      continue;
    }
    // An FD_ACCEPT with nothing to accept: on Windows a connection that was reset meanwhile;
    // under Wine 8 also a stale report (W10 in the repository's docs/semantics.md), after
    // which Wine reports nothing until an accept succeeds, and connections would wait
    // unseen. Either way, look at the listener until one comes.
    lookAgain = AcceptAll(sListen, threads, peak) == 0;
  }
  ::closesocket(sListen);
  ::WSACloseEvent(event);
  for (auto& thread : threads) {
    {
      std::lock_guard<std::mutex> guard(thread->cs);
      thread->stopping = true;
    }
    ::WSASetEvent(thread->rebuild);
  }
  for (auto& thread : threads) {
    thread->thread.join();
    ::WSACloseEvent(thread->rebuild);
  }
  ::WSACloseEvent(g_stopEvent);
  LogLine("stopped: %lu sessions, %lu messages, at most %ld at once on %u threads",
          g_sessionsEnded.load(), g_messages.load(), peak, static_cast<unsigned>(threads.size()));
  return 0;
}
