// SPDX-License-Identifier: MIT
// evsel baselines: what the two raw Winsock echo servers share (see the header).
#include "winsock_echo_common.hpp"

#include <cstdio>

#include <winsock2.h>
#include <ws2tcpip.h>

#include "baseline_common.hpp"

namespace evsel_bench {
namespace {

// Sends until all of it went or the socket would block; returns how much went, or -1 when
// the connection failed. Going on after a short send matters under WSAEventSelect: FD_WRITE
// is re-enabled only by a send that failed with WSAEWOULDBLOCK.
long long send_some(SOCKET s, const char* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const int n = ::send(s, data + done, static_cast<int>(size - done), 0);
    if (n == SOCKET_ERROR) {
      if (::WSAGetLastError() == WSAEWOULDBLOCK) break;
      return -1;
    }
    done += static_cast<std::size_t>(n);
  }
  return static_cast<long long>(done);
}

std::string local_address(SOCKET s) {
  sockaddr_storage bound{};
  int size = sizeof bound;
  if (::getsockname(s, reinterpret_cast<sockaddr*>(&bound), &size) != 0) return "?";
  char host[NI_MAXHOST] = "?";
  char port[NI_MAXSERV] = "?";
  ::getnameinfo(reinterpret_cast<const sockaddr*>(&bound), size, host, sizeof host, port,
                sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
  return bound.ss_family == AF_INET6 ? "[" + std::string(host) + "]:" + port
                                     : std::string(host) + ":" + port;
}

}  // namespace

receive_result receive_once(winsock_connection& c, std::vector<char>& buffer) {
  const int n = ::recv(c.socket, buffer.data(), static_cast<int>(buffer.size()), 0);
  if (n == SOCKET_ERROR) {
    return ::WSAGetLastError() == WSAEWOULDBLOCK ? receive_result::would_block
                                                 : receive_result::failed;
  }
  if (n == 0) {
    c.peer_done = true;
    return receive_result::progress;
  }
  const auto size = static_cast<std::size_t>(n);
  if (c.queued() != 0) {  // behind what is already waiting, in order
    c.unsent.append(buffer.data(), size);
    return receive_result::progress;
  }
  const long long sent = send_some(c.socket, buffer.data(), size);
  if (sent < 0) return receive_result::failed;
  const auto done = static_cast<std::size_t>(sent);
  if (done < size) c.unsent.append(buffer.data() + done, size - done);
  return receive_result::progress;
}

bool flush(winsock_connection& c) {
  const long long sent = send_some(c.socket, c.unsent.data() + c.sent, c.queued());
  if (sent < 0) return false;
  c.sent += static_cast<std::size_t>(sent);
  evsel_bench::settle_queue(c.unsent, c.sent);
  return true;
}

void report_winsock_error(const char* program, const char* what, int code) {
  char text[256] = "";
  const DWORD length =
      ::FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
                       static_cast<DWORD>(code), 0, text, sizeof text, nullptr);
  for (DWORD i = length; i > 0 && (text[i - 1] == '\n' || text[i - 1] == '\r'); --i) {
    text[i - 1] = '\0';
  }
  std::fprintf(stderr, "%s: %s: error %d %s\n", program, what, code, text);
}

int winsock_echo_main(int argc,
                      char** argv,
                      const char* program,
                      const char* summary,
                      const char* default_address,
                      int (*serve)(SOCKET listener)) {
  socket_address address;
  const int status = read_command_line(argc, argv, program, summary, default_address, address);
  if (status >= 0) return status;
  WSADATA data{};
  if (const int code = ::WSAStartup(MAKEWORD(2, 2), &data); code != 0) {
    report_winsock_error(program, "WSAStartup", code);
    return 1;
  }
  // No SO_REUSEADDR: on Windows it lets another socket take the port over; bench/run.sh
  // gives every server a fresh port anyway.
  const SOCKET listener = ::socket(address.storage.ss_family, SOCK_STREAM, IPPROTO_TCP);
  if (listener == INVALID_SOCKET ||
      ::bind(listener, reinterpret_cast<const sockaddr*>(&address.storage), address.size) != 0 ||
      ::listen(listener, SOMAXCONN) != 0) {
    report_winsock_error(program, "cannot listen", ::WSAGetLastError());
    ::WSACleanup();
    return 1;
  }
  watch_stop_signals();
  std::fprintf(stderr, "%s: listening on %s\n", program, local_address(listener).c_str());
  const int result = serve(listener);
  ::closesocket(listener);
  ::WSACleanup();
  return result;
}

}  // namespace evsel_bench
