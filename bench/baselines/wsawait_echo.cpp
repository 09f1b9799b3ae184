// SPDX-License-Identifier: MIT
// evsel-bench-wsawait-echo: the echo server written directly on WSAEventSelect and
// WSAWaitForMultipleEvents, one event per socket, one thread: the classic Winsock loop that
// evsel's native backend replaces, for comparison with it (under Wine, on the same
// wineserver).
//
// One wait takes at most WSA_MAXIMUM_WAIT_EVENTS (64) events, so this server serves at most
// 63 connections beside its listener: it accepts further ones and closes them at once (the
// peer sees the connection reset or closed), and says how many at the end. A server that
// wanted more would need a thread per 64 sockets, which is what evsel's backend avoids.
#include <cstdio>
#include <vector>

#include <winsock2.h>

#include "baseline_common.hpp"
#include "winsock_echo_common.hpp"

namespace {

using evsel_bench::receive_result;
using evsel_bench::winsock_connection;

constexpr const char* program = "evsel-bench-wsawait-echo";
constexpr long client_events = FD_READ | FD_WRITE | FD_CLOSE;

class echo_server {
 public:
  explicit echo_server(SOCKET listener) { add(listener, FD_ACCEPT); }

  ~echo_server() {
    // Entry 0's socket is the listener: winsock_echo_main closes it.
    for (std::size_t i = 0; i < events_.size(); ++i) {
      if (i != 0) ::closesocket(connections_[i].socket);
      ::WSACloseEvent(events_[i]);
    }
  }

  echo_server(const echo_server&) = delete;
  echo_server& operator=(const echo_server&) = delete;

  int run() {
    if (events_.empty()) return 1;  // add() said why
    while (!evsel_bench::stop_requested()) {
      const auto count = static_cast<DWORD>(events_.size());
      const DWORD r = ::WSAWaitForMultipleEvents(count, events_.data(), FALSE,
                                                 evsel_bench::winsock_stop_check_ms, FALSE);
      if (r == WSA_WAIT_TIMEOUT) continue;
      if (r == WSA_WAIT_FAILED || r >= WSA_WAIT_EVENT_0 + count) {
        evsel_bench::report_winsock_error(program, "WSAWaitForMultipleEvents", ::WSAGetLastError());
        return 1;
      }
      // The wait names only the lowest signalled event: served alone, a busy low index would
      // starve every higher one. So the rest of the array is swept too, with zero-timeout
      // waits over what lies above the last one found: one wait per signalled event, plus
      // one that finds none.
      ready_.clear();
      for (DWORD found = r - WSA_WAIT_EVENT_0;;) {
        ready_.push_back(found);
        const DWORD next = found + 1;
        if (next >= count) break;
        const DWORD s = ::WSAWaitForMultipleEvents(count - next, &events_[next], FALSE, 0, FALSE);
        if (s == WSA_WAIT_TIMEOUT || s == WSA_WAIT_FAILED || s >= WSA_WAIT_EVENT_0 + count - next) {
          break;
        }
        found = next + (s - WSA_WAIT_EVENT_0);
      }
      // From the highest index down: drop() moves the last entry into the dropped one's
      // place, and that entry was handled already (or was not signalled). The listener,
      // entry 0, comes last, so accepted connections are appended after the sweep.
      for (auto it = ready_.rbegin(); it != ready_.rend(); ++it) {
        if (!serve(*it)) return 1;
      }
    }
    std::fprintf(stderr, "%s: stopping, %zu connections open, %zu refused (limit %d)\n", program,
                 events_.size() - 1, refused_, WSA_MAXIMUM_WAIT_EVENTS - 1);
    return 0;
  }

 private:
  // Gives `s` an event of its own and selects `mask` on it; false (socket closed, unless it
  // is the listener) when Winsock refuses.
  bool add(SOCKET s, long mask) {
    const WSAEVENT event = ::WSACreateEvent();
    if (event == WSA_INVALID_EVENT || ::WSAEventSelect(s, event, mask) != 0) {
      evsel_bench::report_winsock_error(program, "WSAEventSelect", ::WSAGetLastError());
      if (event != WSA_INVALID_EVENT) ::WSACloseEvent(event);
      if (mask != FD_ACCEPT) ::closesocket(s);
      return false;
    }
    events_.push_back(event);
    connections_.emplace_back().socket = s;
    return true;
  }

  // False when the server is to stop (the listener failed).
  bool serve(std::size_t i) {
    WSANETWORKEVENTS happened{};
    // Also resets the event (it is manual-reset), atomically with reading the records.
    if (::WSAEnumNetworkEvents(connections_[i].socket, events_[i], &happened) != 0) {
      if (i == 0) {
        evsel_bench::report_winsock_error(program, "WSAEnumNetworkEvents", ::WSAGetLastError());
        return false;
      }
      drop(i);
      return true;
    }
    if (i == 0) {
      if (happened.lNetworkEvents & FD_ACCEPT) accept_all();
    } else {
      serve_connection(i, happened);
    }
    return true;
  }

  void accept_all() {
    for (;;) {
      // Accepted sockets are non-blocking and share the listener's selection until add()
      // gives them their own event.
      const SOCKET s = ::accept(connections_[0].socket, nullptr, nullptr);
      if (s == INVALID_SOCKET) return;  // WSAEWOULDBLOCK (FD_ACCEPT re-enabled), or gone
      if (events_.size() >= WSA_MAXIMUM_WAIT_EVENTS) {
        ::closesocket(s);
        ++refused_;
        continue;
      }
      add(s, client_events);
    }
  }

  void serve_connection(std::size_t i, const WSANETWORKEVENTS& happened) {
    winsock_connection& c = connections_[i];
    const long events = happened.lNetworkEvents;
    // One recv per FD_READ, as epoll_echo.cpp reads once per report: a recv that leaves data
    // behind re-enables FD_READ and it comes again. Skipped while the queue is full.
    if ((events & FD_READ) && c.wants_read() &&
        evsel_bench::receive_once(c, buffer_) == receive_result::failed) {
      return drop(i);
    }
    if ((events & FD_WRITE) && c.queued() != 0) {
      const bool was_full = !c.peer_done && !c.wants_read();
      if (!evsel_bench::flush(c)) return drop(i);
      // An FD_READ skipped while the queue was full does not come again until a recv:
      // resume reading now that there is room.
      if (was_full && c.wants_read() &&
          evsel_bench::receive_once(c, buffer_) == receive_result::failed) {
        return drop(i);
      }
    }
    if (events & FD_CLOSE) {
      if (happened.iErrorCode[FD_CLOSE_BIT] != 0) return drop(i);  // reset: nothing to echo
      // A graceful close is reported once, possibly with data still unread: read it all now
      // (to the end of the stream), since no FD_READ may follow.
      for (receive_result r = receive_result::progress;
           c.wants_read() && r == receive_result::progress;) {
        r = evsel_bench::receive_once(c, buffer_);
        if (r == receive_result::failed) return drop(i);
      }
    }
    if (c.peer_done && c.queued() == 0) drop(i);
  }

  void drop(std::size_t i) {
    ::closesocket(connections_[i].socket);
    ::WSACloseEvent(events_[i]);
    events_[i] = events_.back();
    events_.pop_back();
    connections_[i] = std::move(connections_.back());
    connections_.pop_back();
  }

  // events_[i] and connections_[i] belong to one socket; entry 0 is the listener.
  std::vector<WSAEVENT> events_;
  std::vector<winsock_connection> connections_;
  std::vector<DWORD> ready_;  // the signalled entries of one wait, lowest first
  std::size_t refused_ = 0;
  std::vector<char> buffer_ = std::vector<char>(evsel_bench::winsock_read_size);  // one for all
};

int serve(SOCKET listener) {
  return echo_server(listener).run();
}

}  // namespace

int main(int argc, char** argv) {
  return evsel_bench::winsock_echo_main(argc, argv, program,
                                        "Echoes every byte back: raw WSAEventSelect and "
                                        "WSAWaitForMultipleEvents, one thread, at most 63 "
                                        "connections, for comparison with evsel-echo-server.",
                                        "127.0.0.1:7011", serve);
}
