// SPDX-License-Identifier: MIT
// The article's WSAEventSelect server, in the multi-threaded form its section 2.6 describes:
// the main thread accepts, and worker threads wait with WSAWaitForMultipleEvents on up to 64
// events each, the first of them a "rebuild" event that the main thread sets when it hands a
// worker a new socket. So there is no limit of 64 clients, and several threads wait at once.
// Protocol (README.md): "LOGIN <name>" answered by "WELCOME <name>", then every line echoed
// back as "<name>: <line>"; the client ends the session by closing its side.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <winsock2.h>

#include "article_common.hpp"
#include "server_session.hpp"
#include "winsock_init.hpp"

namespace {

struct Options {
  const char* address = "0.0.0.0";
  unsigned short nPort = 4567;  // the article's port
  unsigned long stopAfter = 0;  // stop once that many sessions have ended; 0: never
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
std::atomic<long> g_connections{0};

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
    OptionValue value;
    if (!TakeOptionValue(argc, argv, i, value)) return false;
    if (option == "--address") {
      g_options.address = value.text;
    } else if (option == "--port" && value.numeric && value.number <= 65535) {
      g_options.nPort = static_cast<unsigned short>(value.number);
    } else if (option == "--stop-after" && value.numeric) {
      g_options.stopAfter = value.number;
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
          g_sessionsEnded.load(), MessagesEchoed(), peak, static_cast<unsigned>(threads.size()));
  return 0;
}
