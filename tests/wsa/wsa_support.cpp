// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: the helpers, in plain Winsock.
#include "wsa_support.hpp"

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "support/catch.hpp"

namespace wsa_test {

namespace {

using clock = std::chrono::steady_clock;

DWORD millis(ms d) {
  return static_cast<DWORD>(d.count());
}

void require_ok(int rc, const char* call) {
  if (rc == SOCKET_ERROR) FAIL(call << " failed with " << WSAGetLastError());
}

}  // namespace

wsa_session::wsa_session() {
  WSADATA data{};
  const int rc = WSAStartup(MAKEWORD(2, 2), &data);
  if (rc != 0) FAIL("WSAStartup failed with " << rc);
}

wsa_session::~wsa_session() {
  WSACleanup();
}

socket_handle& socket_handle::operator=(socket_handle&& o) noexcept {
  if (this != &o) {
    close();
    s_ = o.release();
  }
  return *this;
}

SOCKET socket_handle::release() {
  const SOCKET s = s_;
  s_ = INVALID_SOCKET;
  return s;
}

void socket_handle::close() {
  if (s_ != INVALID_SOCKET) closesocket(release());
}

event_handle::event_handle() : e_(WSACreateEvent()) {
  if (e_ == WSA_INVALID_EVENT) FAIL("WSACreateEvent failed with " << WSAGetLastError());
}

event_handle::~event_handle() {
  WSACloseEvent(e_);
}

socket_handle make_tcp_socket() {
  socket_handle s(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
  if (s.get() == INVALID_SOCKET) FAIL("socket failed with " << WSAGetLastError());
  return s;
}

socket_handle make_udp_socket() {
  socket_handle s(socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP));
  if (s.get() == INVALID_SOCKET) FAIL("socket failed with " << WSAGetLastError());
  return s;
}

namespace {
sockaddr_in loopback_any_port() {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = 0;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}
}  // namespace

socket_handle make_bound_udp_socket() {
  socket_handle s = make_udp_socket();
  const sockaddr_in a = loopback_any_port();
  require_ok(bind(s.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a), "bind");
  return s;
}

socket_handle make_listener() {
  socket_handle s = make_tcp_socket();
  const sockaddr_in a = loopback_any_port();
  require_ok(bind(s.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a), "bind");
  require_ok(listen(s.get(), SOMAXCONN), "listen");
  return s;
}

sockaddr_in local_address(SOCKET s) {
  sockaddr_in a{};
  int length = sizeof a;
  require_ok(getsockname(s, reinterpret_cast<sockaddr*>(&a), &length), "getsockname");
  return a;
}

socket_handle connect_to(SOCKET listener) {
  socket_handle c = make_tcp_socket();
  const sockaddr_in a = local_address(listener);
  require_ok(connect(c.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a), "connect");
  return c;
}

tcp_pair make_tcp_pair() {
  const socket_handle listener = make_listener();
  tcp_pair pair;
  pair.client = connect_to(listener.get());
  pair.server = socket_handle(accept(listener.get(), nullptr, nullptr));
  if (pair.server.get() == INVALID_SOCKET) FAIL("accept failed with " << WSAGetLastError());
  return pair;
}

bool is_signalled(WSAEVENT e) {
  return wait_signalled(e, ms(0));
}

bool wait_signalled(WSAEVENT e, ms window) {
  const DWORD rc = WSAWaitForMultipleEvents(1, &e, FALSE, millis(window), FALSE);
  if (rc == WSA_WAIT_EVENT_0) return true;
  if (rc != WSA_WAIT_TIMEOUT) FAIL("WSAWaitForMultipleEvents: " << rc << ", " << WSAGetLastError());
  return false;
}

WSANETWORKEVENTS enumerate(SOCKET s, WSAEVENT e) {
  WSANETWORKEVENTS ne{};
  require_ok(WSAEnumNetworkEvents(s, e, &ne), "WSAEnumNetworkEvents");
  return ne;
}

WSANETWORKEVENTS next_record(SOCKET s, WSAEVENT e, ms window) {
  // A signal can come with an empty record (another socket on the same event, a recv that
  // took the data): such wake-ups are skipped, as a Winsock program must.
  const auto deadline = clock::now() + window;
  for (;;) {
    const auto now = clock::now();
    const auto left = now < deadline ? std::chrono::duration_cast<ms>(deadline - now) : ms(0);
    if (!wait_signalled(e, left)) return WSANETWORKEVENTS{};
    std::this_thread::sleep_for(settle_window);
    const WSANETWORKEVENTS ne = enumerate(s, e);
    if (ne.lNetworkEvents != 0) return ne;
    if (clock::now() >= deadline) return ne;
  }
}

WSANETWORKEVENTS quiet_record(SOCKET s, WSAEVENT e) {
  wait_signalled(e, quiet_window);
  std::this_thread::sleep_for(settle_window);
  return enumerate(s, e);
}

WSANETWORKEVENTS expect_record(SOCKET s, WSAEVENT e, long events, ms window) {
  const WSANETWORKEVENTS ne = next_record(s, e, window);
  INFO(describe(ne));
  CHECK(ne.lNetworkEvents == events);
  return ne;
}

WSANETWORKEVENTS expect_record_with(SOCKET s, WSAEVENT e, long event) {
  const WSANETWORKEVENTS ne = next_record(s, e);
  INFO(describe(ne));
  CHECK((ne.lNetworkEvents & event) != 0);
  return ne;
}

void expect_quiet_reselected(SOCKET s, WSAEVENT e, long mask) {
  WSANETWORKEVENTS ne = quiet_record(s, e);
  INFO("before selecting again: " << describe(ne));
  CHECK(ne.lNetworkEvents == 0);
  REQUIRE(WSAEventSelect(s, e, mask) == 0);
  ne = quiet_record(s, e);
  INFO("after selecting again: " << describe(ne));
  CHECK(ne.lNetworkEvents == 0);
}

void require_settled_signal(WSAEVENT e) {
  REQUIRE(wait_signalled(e, expect_window));
  std::this_thread::sleep_for(settle_window);
}

std::string describe(const WSANETWORKEVENTS& ne) {
  static const struct {
    long bit;
    int index;
    const char* name;
  } names[] = {{FD_READ, FD_READ_BIT, "READ"},
               {FD_WRITE, FD_WRITE_BIT, "WRITE"},
               {FD_OOB, FD_OOB_BIT, "OOB"},
               {FD_ACCEPT, FD_ACCEPT_BIT, "ACCEPT"},
               {FD_CONNECT, FD_CONNECT_BIT, "CONNECT"},
               {FD_CLOSE, FD_CLOSE_BIT, "CLOSE"}};
  std::string text;
  long rest = ne.lNetworkEvents;
  for (const auto& n : names) {
    if ((ne.lNetworkEvents & n.bit) == 0) continue;
    rest &= ~n.bit;
    if (!text.empty()) text += '|';
    text += n.name;
    if (ne.iErrorCode[n.index] != 0) text += "(" + std::to_string(ne.iErrorCode[n.index]) + ")";
  }
  if (rest != 0) text += (text.empty() ? "" : "|") + std::to_string(rest);
  return text.empty() ? "none" : text;
}

std::size_t fill_until_would_block(SOCKET s, std::size_t byte_limit) {
  const std::vector<char> chunk(64 * 1024, 'w');
  std::size_t total = 0;
  const auto deadline = clock::now() + fill_window;
  while (total < byte_limit && clock::now() < deadline) {
    const int sent = send(s, chunk.data(), static_cast<int>(chunk.size()), 0);
    if (sent == SOCKET_ERROR) {
      const int error = WSAGetLastError();
      if (error == WSAEWOULDBLOCK) return total;
      FAIL("send failed with " << error << " after " << total << " bytes");
    }
    total += static_cast<std::size_t>(sent);
  }
  FAIL("send never failed with WSAEWOULDBLOCK: " << total << " bytes taken (limit " << byte_limit
                                                 << ") in " << fill_window.count() << " ms");
  return total;
}

void drain(SOCKET s, std::size_t bytes) {
  std::vector<char> buffer(64 * 1024);
  std::size_t got = 0;
  while (got < bytes) {
    const int n = recv(s, buffer.data(), static_cast<int>(buffer.size()), 0);
    if (n <= 0) FAIL("recv returned " << n << " (" << WSAGetLastError() << ") after " << got);
    got += static_cast<std::size_t>(n);
  }
}

void abort_connection(socket_handle& s) {
  const linger hard{1, 0};
  require_ok(
      setsockopt(s.get(), SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&hard), sizeof hard),
      "setsockopt(SO_LINGER)");
  require_ok(closesocket(s.release()), "closesocket");
}

int set_non_blocking(SOCKET s, bool on) {
  u_long mode = on ? 1 : 0;
  return ioctlsocket(s, FIONBIO, &mode);
}

int set_receive_timeout(SOCKET s, DWORD milliseconds) {
  return setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&milliseconds),
                    sizeof milliseconds);
}

struct blocked_call_watchdog::state {
  std::mutex lock;
  std::condition_variable done;
  bool finished = false;
  std::thread watcher;
};

blocked_call_watchdog::blocked_call_watchdog(const char* what, ms limit) : state_(new state) {
  state_->watcher = std::thread([s = state_, what, limit] {
    std::unique_lock<std::mutex> hold(s->lock);
    if (s->done.wait_for(hold, limit, [s] { return s->finished; })) return;
    std::fprintf(stderr, "FAILED: %s has blocked for %lld ms; ending the test program\n", what,
                 static_cast<long long>(limit.count()));
    std::fflush(stderr);
    std::_Exit(3);
  });
}

blocked_call_watchdog::~blocked_call_watchdog() {
  {
    std::lock_guard<std::mutex> hold(state_->lock);
    state_->finished = true;
  }
  state_->done.notify_one();
  state_->watcher.join();
  delete state_;
}

}  // namespace wsa_test
