// SPDX-License-Identifier: MIT
// The article's WSAEventSelect client: it connects, logs in, sends its lines and checks that
// each comes back once, in order (the protocol is in server.cpp and README.md). With
// --clients N, N of them run at once, one thread each, as the article's Connect thread.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <winsock2.h>

#include "article_common.hpp"
#include "client_options.hpp"
#include "winsock_init.hpp"

namespace {

// Holds every client after its login until all have logged in, so that the server has them
// all at once (more than 64 needs its worker threads). Bounded: a client that never logs in
// leaves, and the others do not wait for it.
class LoginBarrier {
 public:
  explicit LoginBarrier(unsigned expected) : expected_(expected) {}
  void Arrive(std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> guard(lock_);
    ++arrived_;
    changed_.notify_all();
    changed_.wait_for(guard, limit, [this] { return arrived_ >= expected_; });
  }
  void Leave() {
    std::lock_guard<std::mutex> guard(lock_);
    --expected_;
    changed_.notify_all();
  }

 private:
  std::mutex lock_;
  std::condition_variable changed_;
  unsigned expected_;
  unsigned arrived_ = 0;
};

struct Outcome {
  std::string failure;  // empty: everything came as expected
  unsigned echoed = 0;
  bool loggedIn = false;
  bool closedByServer = false;
};

class Client {
 public:
  Client(const ClientOptions& options, LoginBarrier* barrier, bool verbose)
      : opt_(options), barrier_(barrier), verbose_(verbose) {
    expected_.push_back("WELCOME " + opt_.name);
    for (const std::string& line : opt_.lines) expected_.push_back(opt_.name + ": " + line);
  }

  // The article's Connect(), its steps and calls kept.
  Outcome Connect() {
    SOCKET socket_client = ::socket(AF_INET, SOCK_STREAM, 0);
    if (socket_client == INVALID_SOCKET) return Failed("socket", ::WSAGetLastError());
    sockaddr_in sconnect_pass{};
    sconnect_pass.sin_family = AF_INET;
    sconnect_pass.sin_addr.S_un.S_addr = ::inet_addr(opt_.address);
    sconnect_pass.sin_port = ::htons(opt_.port);
    // Non-blocking as in the article, and selected before connect rather than after it, so
    // that connect's outcome comes as FD_CONNECT instead of blocking the thread.
    u_long u1 = 1;
    ::ioctlsocket(socket_client, FIONBIO, &u1);
    WSAEVENT ClientEvent = ::WSACreateEvent();
    if (ClientEvent == WSA_INVALID_EVENT) {
      ::closesocket(socket_client);
      return Failed("WSACreateEvent", ::WSAGetLastError());
    }
    // It fails with SOCKET_ERROR; the article compared with INVALID_SOCKET.
    if (::WSAEventSelect(socket_client, ClientEvent, FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE) ==
            SOCKET_ERROR ||
        (::connect(socket_client, reinterpret_cast<sockaddr*>(&sconnect_pass),
                   sizeof(sconnect_pass)) == SOCKET_ERROR &&
         ::WSAGetLastError() != WSAEWOULDBLOCK)) {
      int code = ::WSAGetLastError();
      ::closesocket(socket_client);
      ::WSACloseEvent(ClientEvent);
      return Failed("WSAEventSelect or connect", code);
    }
    SOCKET sockArray[WSA_MAXIMUM_WAIT_EVENTS];
    WSAEVENT eventArray[WSA_MAXIMUM_WAIT_EVENTS];
    DWORD nEventCount = 0;
    sockArray[nEventCount] = socket_client;
    eventArray[nEventCount] = ClientEvent;
    nEventCount++;
    int t = 1;  // time-outs in a row
    // The article waited with no event left, which fails: the loop ends with the last one.
    while (nEventCount > 0) {
      DWORD nIndex =
          ::WSAWaitForMultipleEvents(nEventCount, eventArray, FALSE, opt_.timeoutMs, FALSE);
      if (nIndex == WSA_WAIT_FAILED) {
        Note("WSAWaitForMultipleEvents", ::WSAGetLastError());
        break;
      }
      if (nIndex == WSA_WAIT_TIMEOUT) {
        if (t < 3) {
          t++;
          continue;
        }
        Note("waiting (three time-outs in a row)", WSA_WAIT_TIMEOUT);
        break;
      }
      t = 1;
      DWORD i = nIndex - WSA_WAIT_EVENT_0;
      s_ = sockArray[i];
      WSANETWORKEVENTS event;
      // With a null event WSAEnumNetworkEvents leaves the event object set, hence the reset.
      // The article reset after enumerating, losing whatever was recorded in between:
      // resetting first, anything recorded later sets the event again.
      ::WSAResetEvent(eventArray[i]);
      if (::WSAEnumNetworkEvents(sockArray[i], nullptr, &event) == SOCKET_ERROR) {
        Note("WSAEnumNetworkEvents", ::WSAGetLastError());
        break;
      }
      if (event.lNetworkEvents & FD_CONNECT) {
        if (event.iErrorCode[FD_CONNECT_BIT] != 0) {
          Note("connect (FD_CONNECT)", event.iErrorCode[FD_CONNECT_BIT]);
          break;
        }
        if (verbose_) LogLine("%s: connected", opt_.name.c_str());
        output_ = "LOGIN " + opt_.name + "\n";
      }
      if ((event.lNetworkEvents & FD_READ) && event.iErrorCode[FD_READ_BIT] == 0) ReadSome();
      if (event.lNetworkEvents & FD_WRITE) writable_ = event.iErrorCode[FD_WRITE_BIT] == 0;
      if (event.lNetworkEvents & FD_CLOSE) {
        int code = event.iErrorCode[FD_CLOSE_BIT];
        if (code == 0) {  // the server closed the connection
          // The close may come with data still unread: read it before it is lost.
          while (outcome_.failure.empty() && ReadSome() > 0) {
          }
          outcome_.closedByServer = true;
          if (verbose_) LogLine("%s: the server closed the connection", opt_.name.c_str());
        } else if (code == 10053) {
          // WSAECONNABORTED: what Windows reports in FD_CLOSE when the connection was reset
          // (the server went away without closing it properly).
          Note("the connection: the server aborted it", code);
        } else {
          Note("the connection", code);
        }
        ::closesocket(sockArray[i]);
        ::WSACloseEvent(eventArray[i]);
        for (DWORD j = i; j + 1 < nEventCount; j++) {
          sockArray[j] = sockArray[j + 1];
          eventArray[j] = eventArray[j + 1];
        }
        nEventCount--;
        continue;
      }
      Flush();
      if (!outcome_.failure.empty()) break;
    }
    // On a failure the socket may still be open.
    for (DWORD j = 0; j < nEventCount; j++) {
      ::closesocket(sockArray[j]);
      ::WSACloseEvent(eventArray[j]);
    }
    Check();
    if (barrier_ != nullptr && !arrived_) barrier_->Leave();
    return outcome_;
  }

 private:
  // One recv per FD_READ: Windows records it again while data is left. Returns the bytes read,
  // 0 at the end of the stream, -1 when nothing was there or on an error.
  int ReadSome() {
    int code = 0;
    int nRecv = ReceiveSome(s_, input_, code);
    if (nRecv < 0) {
      if (code != 0) Note("recv", code);
      return -1;
    }
    std::size_t end;
    while ((end = input_.find('\n')) != std::string::npos) {
      HandleLine(input_.substr(0, end));
      input_.erase(0, end + 1);
    }
    return nRecv;
  }

  void HandleLine(const std::string& line) {
    std::size_t index = outcome_.echoed + (outcome_.loggedIn ? 1 : 0);
    if (index >= expected_.size() || line != expected_[index]) {
      if (outcome_.failure.empty()) {
        outcome_.failure = "expected \"" +
                           (index < expected_.size() ? expected_[index] : "(nothing)") +
                           "\", received \"" + line + "\"";
      }
      return;
    }
    if (index > 0) {
      ++outcome_.echoed;
      if (verbose_) LogLine("%s: echo: %s", opt_.name.c_str(), line.c_str());
      return;
    }
    // The login reply (the article's CMD_AS_REP_C_MACHINE_LOGIN with nStatus 1).
    outcome_.loggedIn = true;
    if (verbose_) LogLine("%s: login reply: %s (success)", opt_.name.c_str(), line.c_str());
    if (barrier_ != nullptr) {
      arrived_ = true;
      barrier_->Arrive(std::chrono::milliseconds(opt_.timeoutMs));
    }
    for (const std::string& text : opt_.lines) output_ += text + "\n";
    linesQueued_ = true;
  }

  // Sends while the buffer takes it (SendSome), all that waits in each call.
  void Flush() {
    if (int code = SendSome(s_, output_, writable_, std::string::npos)) {
      Note("send", code);
      return;
    }
    // All lines out: the client's end of the session, a FIN after its last line.
    if (linesQueued_ && output_.empty() && !opt_.stay && !shutDown_) {
      shutDown_ = true;
      if (::shutdown(s_, SD_SEND) == SOCKET_ERROR) Note("shutdown", ::WSAGetLastError());
    }
  }

  void Check() {
    if (!outcome_.failure.empty()) return;
    if (!outcome_.loggedIn) {
      outcome_.failure = "no login reply";
    } else if (outcome_.echoed != opt_.lines.size()) {
      outcome_.failure = std::to_string(outcome_.echoed) + " of " +
                         std::to_string(opt_.lines.size()) + " lines came back";
    } else if (!outcome_.closedByServer) {
      outcome_.failure = "the server did not close the connection";
    }
  }

  void Note(const char* what, int code) {
    if (outcome_.failure.empty()) {
      outcome_.failure = std::string(what) + " failed with " + std::to_string(code);
    }
  }

  Outcome Failed(const char* what, int code) {
    Note(what, code);
    if (barrier_ != nullptr) barrier_->Leave();
    return outcome_;
  }

  const ClientOptions& opt_;
  LoginBarrier* barrier_;
  bool verbose_;
  std::vector<std::string> expected_;
  SOCKET s_ = INVALID_SOCKET;
  std::string input_;
  std::string output_;
  Outcome outcome_;
  bool writable_ = false;
  bool linesQueued_ = false;
  bool shutDown_ = false;
  bool arrived_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  ClientOptions options;
  if (!ParseOptions(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: %s [--address A] [--port P] [--name N] [--line TEXT]... [--count K]\n"
                 "          [--clients C] [--stay] [--timeout SECONDS]\n",
                 argv[0]);
    return 2;
  }
  WinsockInit theSock;
  if (theSock.error() != 0) {
    std::printf("WSAStartup failed with %d\n", theSock.error());
    return 1;
  }
  if (options.clients == 0) {
    std::vector<std::string> made = MadeUpLines(options.name, options.count);
    options.lines.insert(options.lines.end(), made.begin(), made.end());
    Outcome outcome = Client(options, nullptr, true).Connect();
    if (!outcome.failure.empty()) {
      LogLine("%s: FAILED: %s", options.name.c_str(), outcome.failure.c_str());
      return 1;
    }
    LogLine("%s: %u of %u lines echoed, as expected", options.name.c_str(), outcome.echoed,
            static_cast<unsigned>(options.lines.size()));
    return 0;
  }
  // Each client its own copy of the options: its name and its lines.
  std::vector<ClientOptions> each(options.clients, options);
  std::vector<Outcome> outcomes(options.clients);
  LoginBarrier barrier(options.clients);
  std::vector<std::thread> threads;
  for (unsigned c = 0; c < options.clients; ++c) {
    char suffix[16];
    std::snprintf(suffix, sizeof(suffix), "%03u", c + 1);
    each[c].name = options.name + suffix;
    std::vector<std::string> made = MadeUpLines(each[c].name, options.count);
    each[c].lines.insert(each[c].lines.end(), made.begin(), made.end());
    threads.emplace_back([&, c] { outcomes[c] = Client(each[c], &barrier, false).Connect(); });
  }
  unsigned loggedIn = 0, echoed = 0, sent = 0, closed = 0, failed = 0;
  for (unsigned c = 0; c < options.clients; ++c) {
    threads[c].join();
    const Outcome& outcome = outcomes[c];
    loggedIn += outcome.loggedIn ? 1 : 0;
    echoed += outcome.echoed;
    sent += static_cast<unsigned>(each[c].lines.size());
    closed += outcome.closedByServer ? 1 : 0;
    if (!outcome.failure.empty()) {
      ++failed;
      LogLine("%s: FAILED: %s", each[c].name.c_str(), outcome.failure.c_str());
    }
  }
  LogLine("%u clients: %u logged in, %u of %u lines echoed, %u closed by the server, %s",
          options.clients, loggedIn, echoed, sent, closed,
          failed == 0 ? "all as expected" : "some FAILED");
  return failed == 0 ? 0 : 1;
}
