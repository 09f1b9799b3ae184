// SPDX-License-Identifier: MIT
// evsel-bench-wsapoll-echo: the echo server written directly on WSAPoll, one thread, for
// comparison with evsel-echo-server's native backend (under Wine, on the same wineserver).
#include <cstdio>
#include <vector>

#include <winsock2.h>

#include "baseline_common.hpp"
#include "winsock_echo_common.hpp"

namespace {

using evsel_bench::receive_result;
using evsel_bench::winsock_connection;

constexpr const char* program = "evsel-bench-wsapoll-echo";

class echo_server {
 public:
  explicit echo_server(SOCKET listener) {
    // Entry 0 is the listener; polled_[i] and connections_[i] describe the same socket.
    polled_.push_back(WSAPOLLFD{listener, POLLRDNORM, 0});
    connections_.emplace_back();
  }

  int run() {
    u_long non_blocking = 1;
    if (::ioctlsocket(polled_[0].fd, FIONBIO, &non_blocking) != 0) {
      evsel_bench::report_winsock_error(program, "ioctlsocket", ::WSAGetLastError());
      return 1;
    }
    while (!evsel_bench::stop_requested()) {
      // Level-triggered like epoll: ask for what each connection can use now.
      for (std::size_t i = 1; i < polled_.size(); ++i) {
        const winsock_connection& c = connections_[i];
        polled_[i].events = static_cast<SHORT>((c.wants_read() ? POLLRDNORM : 0) |
                                               (c.queued() != 0 ? POLLWRNORM : 0));
      }
      const int n = ::WSAPoll(polled_.data(), static_cast<ULONG>(polled_.size()),
                              evsel_bench::winsock_stop_check_ms);
      if (n == SOCKET_ERROR) {
        evsel_bench::report_winsock_error(program, "WSAPoll", ::WSAGetLastError());
        return 1;
      }
      // From the back: drop() moves the last entry into the dropped one's place, and that
      // entry was handled already.
      for (std::size_t i = polled_.size() - 1; n > 0 && i >= 1; --i) serve(i);
      if (polled_[0].revents & POLLRDNORM) accept_all();
    }
    std::fprintf(stderr, "%s: stopping, %zu connections open\n", program, polled_.size() - 1);
    for (std::size_t i = 1; i < polled_.size(); ++i) ::closesocket(polled_[i].fd);
    return 0;
  }

 private:
  void accept_all() {
    for (;;) {
      const SOCKET s = ::accept(polled_[0].fd, nullptr, nullptr);
      if (s == INVALID_SOCKET) return;  // WSAEWOULDBLOCK, or a connection that went away
      // Accepted sockets take the listener's mode on Windows; said again so as not to rely on it.
      u_long non_blocking = 1;
      if (::ioctlsocket(s, FIONBIO, &non_blocking) != 0) {
        ::closesocket(s);
        continue;
      }
      polled_.push_back(WSAPOLLFD{s, 0, 0});
      connections_.emplace_back().socket = s;
    }
  }

  void serve(std::size_t i) {
    const SHORT events = polled_[i].revents;
    if (events == 0) return;
    winsock_connection& c = connections_[i];
    // Once per report: WSAPoll reports the socket again while data is left.
    if ((events & (POLLRDNORM | POLLHUP | POLLERR)) && c.wants_read() &&
        evsel_bench::receive_once(c, buffer_) == receive_result::failed) {
      return drop(i);
    }
    if ((events & (POLLWRNORM | POLLHUP | POLLERR)) && c.queued() != 0 && !evsel_bench::flush(c)) {
      return drop(i);
    }
    if ((c.peer_done && c.queued() == 0) || (events & POLLNVAL)) drop(i);
  }

  void drop(std::size_t i) {
    ::closesocket(polled_[i].fd);
    polled_[i] = polled_.back();
    polled_.pop_back();
    connections_[i] = std::move(connections_.back());
    connections_.pop_back();
  }

  std::vector<WSAPOLLFD> polled_;
  std::vector<winsock_connection> connections_;
  std::vector<char> buffer_ = std::vector<char>(evsel_bench::winsock_read_size);  // one for all
};

int serve(SOCKET listener) {
  return echo_server(listener).run();
}

}  // namespace

int main(int argc, char** argv) {
  return evsel_bench::winsock_echo_main(argc, argv, program,
                                        "Echoes every byte back: raw WSAPoll, one thread, for "
                                        "comparison with evsel-echo-server.",
                                        "127.0.0.1:7010", serve);
}
