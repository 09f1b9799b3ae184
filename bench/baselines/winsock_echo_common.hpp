// SPDX-License-Identifier: MIT
// evsel baselines: what the two raw Winsock echo servers share: start-up, the listener, and
// the echo work per message, which is epoll_echo.cpp's (one shared 64 KiB buffer, one recv per
// readiness, the echo sent straight back, only what does not fit queued).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <winsock2.h>

namespace evsel_bench {

// A peer that sends without reading gets no more than this much of its echo queued here: its
// input waits in the kernel instead, and TCP flow control stops it (as in epoll_echo.cpp).
constexpr std::size_t winsock_max_unsent = 1024 * 1024;
constexpr std::size_t winsock_read_size = 64 * 1024;
// The servers' waits are bounded so that the stop flag is seen.
constexpr int winsock_stop_check_ms = 200;

// Idle, a connection owns no heap memory: its queue is allocated only when a send falls
// short, and given back once it drains.
struct winsock_connection {
  SOCKET socket = INVALID_SOCKET;
  std::string unsent;  // unsent[sent..] is echoed data the socket did not take yet
  std::size_t sent = 0;
  bool peer_done = false;  // end of stream read: close once the queue is out

  std::size_t queued() const noexcept { return unsent.size() - sent; }
  // Reads while the queue is short and the peer may send more.
  bool wants_read() const noexcept { return !peer_done && queued() < winsock_max_unsent; }
};

enum class receive_result {
  progress,     // data read (and echoed or queued), or the end of the stream
  would_block,  // nothing to read: for WSAEventSelect, FD_READ is re-enabled
  failed,       // close the connection now
};

// One recv into `buffer`; what it read is sent straight back behind anything already queued,
// and only what the socket does not take is copied into the connection.
receive_result receive_once(winsock_connection& c, std::vector<char>& buffer);

// Sends the queue until it is empty or the socket would block (for WSAEventSelect, FD_WRITE
// comes when there is room again). False when the connection is to be closed now.
bool flush(winsock_connection& c);

// Prints "<program>: <what>: <message for code>" on stderr.
void report_winsock_error(const char* program, const char* what, int code);

// The whole life of a server: command line (as the other echo baselines: --listen ADDR:PORT),
// WSAStartup, a listening socket, `serve(listener)`, WSACleanup. Returns the exit status.
int winsock_echo_main(int argc,
                      char** argv,
                      const char* program,
                      const char* summary,
                      const char* default_address,
                      int (*serve)(SOCKET listener));

}  // namespace evsel_bench
