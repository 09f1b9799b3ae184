// SPDX-License-Identifier: MIT
// evsel: raw Winsock probes of the Wine deviations W14 to W17 (docs/semantics.md, "Wine"),
// without evsel, so that a new Wine version can be judged in a minute:
//   tests/probes/run.sh            (builds with MinGW-w64, runs under the host's Wine)
// Each line: the id, what was done, what Windows does, what this run saw, SAME or DIFF.
// Loopback only; every wait is bounded (a watchdog ends a call that blocks).
// clang-format off
#include <winsock2.h>  // before windows.h and mswsock.h
#include <mswsock.h>   // SO_CONNECT_TIME
#include <windows.h>
// clang-format on

#include <cstdio>
#include <string>
#include <vector>

namespace {

struct pair_of_sockets {
  SOCKET client = INVALID_SOCKET;
  SOCKET server = INVALID_SOCKET;
};

sockaddr_in loopback() {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

SOCKET open_tcp(DWORD flags) {
  return WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, flags);
}

SOCKET listen_on_loopback(DWORD flags, int backlog, sockaddr_in* bound) {
  const SOCKET listener = open_tcp(flags);
  *bound = loopback();
  int length = sizeof *bound;
  bind(listener, reinterpret_cast<sockaddr*>(bound), length);
  getsockname(listener, reinterpret_cast<sockaddr*>(bound), &length);
  listen(listener, backlog);
  return listener;
}

pair_of_sockets connected_pair(DWORD flags) {
  sockaddr_in bound{};
  const SOCKET listener = listen_on_loopback(flags, 5, &bound);
  pair_of_sockets pair;
  pair.client = open_tcp(flags);
  connect(pair.client, reinterpret_cast<sockaddr*>(&bound), sizeof bound);
  pair.server = accept(listener, nullptr, nullptr);
  closesocket(listener);
  return pair;
}

void close_pair(const pair_of_sockets& pair) {
  closesocket(pair.client);
  closesocket(pair.server);
}

void reset(SOCKET s) {
  const linger abort_it{1, 0};
  setsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&abort_it),
             sizeof abort_it);
  closesocket(s);
}

void report(const char* id, const char* step, const std::string& windows, const std::string& seen) {
  std::printf("%-4s| %-58s| windows=%-26s| seen=%-26s| %s\n", id, step, windows.c_str(),
              seen.c_str(), windows == seen ? "SAME" : "DIFF");
}

std::string error_text(int code) {
  return code == 0 ? "ok" : "err(" + std::to_string(code) + ")";
}

DWORD WINAPI watchdog(void* what) {
  Sleep(10000);
  std::printf("%s: blocked for 10 s, ending the probe\n", static_cast<const char*>(what));
  std::fflush(stdout);
  ExitProcess(3);
}

// W14: a non-blocking send into a peer that does not read, 100,000-byte chunks (the buffer
// fills in the middle of one). Windows takes each chunk whole or fails with WSAEWOULDBLOCK.
void w14(DWORD flags, const char* step) {
  const pair_of_sockets pair = connected_pair(flags);
  WSAEVENT event = WSACreateEvent();
  WSAEventSelect(pair.server, event, FD_READ | FD_WRITE | FD_CLOSE);
  const HANDLE guard = CreateThread(nullptr, 0, watchdog, const_cast<char*>(step), 0, nullptr);
  const std::vector<char> chunk(100000, 'w');
  std::string seen = "never blocked";
  for (int i = 0; i < 10000; ++i) {
    const int n = send(pair.server, chunk.data(), static_cast<int>(chunk.size()), 0);
    if (n == SOCKET_ERROR) {
      seen = error_text(WSAGetLastError());
      break;
    }
    if (n != static_cast<int>(chunk.size())) {
      seen = "partial send";
      break;
    }
  }
  TerminateThread(guard, 0);
  CloseHandle(guard);
  report("W14", step, "err(10035)", seen);
  WSACloseEvent(event);
  close_pair(pair);
}

// W15: a connect that stays in progress (the listener's queue is full): not connected yet.
void w15() {
  sockaddr_in bound{};
  const SOCKET listener = listen_on_loopback(WSA_FLAG_OVERLAPPED, 1, &bound);
  std::vector<SOCKET> queued;
  for (int i = 0; i < 9; ++i) {
    const SOCKET s = open_tcp(WSA_FLAG_OVERLAPPED);
    u_long on = 1;
    ioctlsocket(s, FIONBIO, &on);
    connect(s, reinterpret_cast<sockaddr*>(&bound), sizeof bound);
    queued.push_back(s);
  }
  Sleep(200);
  const SOCKET lost = queued.back();
  sockaddr_in peer{};
  int length = sizeof peer;
  const int named = getpeername(lost, reinterpret_cast<sockaddr*>(&peer), &length);
  report("W15", "getpeername while the connect is in progress", "err(10057)",
         error_text(named == 0 ? 0 : WSAGetLastError()));
  DWORD seconds = 0;
  length = sizeof seconds;
  getsockopt(lost, SOL_SOCKET, SO_CONNECT_TIME, reinterpret_cast<char*>(&seconds), &length);
  report("W15", "SO_CONNECT_TIME while the connect is in progress", "0xffffffff",
         seconds == 0xFFFFFFFF ? "0xffffffff" : std::to_string(seconds));
  for (const SOCKET s : queued) closesocket(s);
  closesocket(listener);
}

// W16: five bytes, then a reset, nothing read before it.
void w16() {
  const pair_of_sockets pair = connected_pair(WSA_FLAG_OVERLAPPED);
  send(pair.client, "abcde", 5, 0);
  Sleep(100);
  reset(pair.client);
  Sleep(200);
  char buffer[16];
  const int n = recv(pair.server, buffer, sizeof buffer, MSG_PEEK);
  const std::string peeked = n == SOCKET_ERROR ? error_text(WSAGetLastError()) : std::to_string(n);
  u_long queued = 0;
  ioctlsocket(pair.server, FIONREAD, &queued);
  report("W16", "FIONREAD after the reset, beside what a peek gets",
         peeked == "5" ? "5" : "0", std::to_string(queued));
  closesocket(pair.server);
}

// W17: the peer closes gracefully, we send, its reset comes back; then recv.
void w17() {
  const pair_of_sockets pair = connected_pair(WSA_FLAG_OVERLAPPED);
  shutdown(pair.client, SD_SEND);
  closesocket(pair.client);
  Sleep(100);
  send(pair.server, "12345", 5, 0);
  Sleep(200);
  char byte = 0;
  const int n = recv(pair.server, &byte, 1, 0);
  report("W17", "recv after sending into a closed peer", "err(10053)",
         n == SOCKET_ERROR ? error_text(WSAGetLastError()) : "returned " + std::to_string(n));
  closesocket(pair.server);
}

}  // namespace

int main() {
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return 1;
  using get_version = const char* (*)();
  const HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  const auto wine_version = reinterpret_cast<get_version>(
      reinterpret_cast<void (*)()>(GetProcAddress(ntdll, "wine_get_version")));
  std::printf("# evsel wine_probe under %s\n",
              wine_version != nullptr ? (std::string("Wine ") + wine_version()).c_str()
                                      : "Windows");
  w14(WSA_FLAG_OVERLAPPED, "non-blocking send, overlapped socket");
  w15();
  w16();
  w17();
  // Last: under Wine 10 it blocks, and the watchdog ends the program.
  w14(0, "non-blocking send, socket without WSA_FLAG_OVERLAPPED");
  WSACleanup();
  return 0;
}
