// SPDX-License-Identifier: MIT
// evsel: the OS-call layer on Windows (Winsock 2; every WSAGetLastError happens here).
#include <climits>

// clang-format off
// Winsock first: the shared headers below use its names.
#include "winsock.hpp"
#include "../native_errors.hpp"
#include "../os.hpp"
#include "../sockaddr_convert.hpp"
#include "../socket_option_ids.hpp"
// clang-format on

namespace evsel::detail::os {
namespace {

int to_sockaddr(const endpoint& e, sockaddr_storage& storage) noexcept {
  return endpoint_to_sockaddr<sockaddr_in, sockaddr_in6>(e, storage, AF_INET, AF_INET6);
}

endpoint from_sockaddr(const sockaddr_storage& storage) noexcept {
  return sockaddr_to_endpoint<sockaddr_in, sockaddr_in6>(storage, AF_INET, AF_INET6);
}

sockaddr* as_sockaddr(sockaddr_storage& storage) noexcept {
  return reinterpret_cast<sockaddr*>(&storage);
}

int to_native_flags(message_flags flags) noexcept {
  int native = 0;
  if (has_flag(flags, message_flags::peek)) native |= MSG_PEEK;
  if (has_flag(flags, message_flags::oob)) native |= MSG_OOB;
  return native;
}

// Winsock lengths are int.
int clamp_length(std::size_t size) noexcept {
  return size > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(size);
}

// An ICMP error of an earlier datagram, which evsel does not report on UDP sockets (see
// os.hpp). SIO_UDP_CONNRESET hides it from recvfrom on Windows; Wine passes Linux's
// ECONNREFUSED through on send as well. A TCP send never fails with WSAECONNREFUSED. The
// failed call consumed the error, so the caller tries again, a bounded number of times.
bool is_udp_icmp_error(int code, int attempt) noexcept {
  return code == WSAECONNREFUSED && attempt < 16;
}

// Windows 10 1709 and later: keep-alive timing as IPPROTO_TCP options, in seconds
// (ws2ipdef.h, "IPPROTO_TCP socket options"). MinGW-w64's headers do not define them;
// TCP_KEEPIDLE is also spelled TCP_KEEPALIVE.
constexpr int tcp_keepidle = 3;
constexpr int tcp_keepcnt = 16;
constexpr int tcp_keepintvl = 17;
#if defined(TCP_KEEPIDLE)
static_assert(TCP_KEEPIDLE == tcp_keepidle && TCP_KEEPCNT == tcp_keepcnt &&
              TCP_KEEPINTVL == tcp_keepintvl);
#endif

std::error_code set_nonblocking(SOCKET s) noexcept {
  u_long enabled = 1;
  if (ioctlsocket(s, FIONBIO, &enabled) != 0) return last_socket_error();
  return {};
}

std::error_code set_int(SOCKET s, int level, int name, int value) noexcept {
  if (setsockopt(s, level, name, reinterpret_cast<const char*>(&value), sizeof value) != 0) {
    return last_socket_error();
  }
  return {};
}

}  // namespace

std::error_code startup() noexcept {
  // Once per process and never undone: sockets may outlive any evsel object.
  static const int result = [] {
    WSADATA data;
    return WSAStartup(MAKEWORD(2, 2), &data);
  }();
  return result == 0 ? std::error_code{} : native_error(result);
}

native_socket open(address_family family, protocol transport, std::error_code& ec) noexcept {
  ec.clear();
  const int af = family == address_family::ipv4 ? AF_INET : AF_INET6;
  const int type = transport == protocol::tcp ? SOCK_STREAM : SOCK_DGRAM;
  const int proto = transport == protocol::tcp ? IPPROTO_TCP : IPPROTO_UDP;
  // Overlapped, as socket() makes them: on a socket without it, Wine 10 turns a non-blocking
  // send that fits only in part into a blocking one that waits for the peer to read (W14).
  const SOCKET s =
      WSASocketW(af, type, proto, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET) {
    ec = last_socket_error();
    return invalid_socket;
  }
  if ((ec = set_nonblocking(s)) ||
      (family == address_family::ipv6 && (ec = set_int(s, IPPROTO_IPV6, IPV6_V6ONLY, 1)))) {
    closesocket(s);
    return invalid_socket;
  }
  if (transport == protocol::udp) {
    // Windows fails the next recvfrom with WSAECONNRESET after an ICMP port unreachable,
    // even on unconnected sockets; POSIX does not. Turn it off for identical behaviour.
    BOOL report = FALSE;
    DWORD unused = 0;
    WSAIoctl(s, SIO_UDP_CONNRESET, &report, sizeof report, nullptr, 0, &unused, nullptr, nullptr);
  }
  return s;
}

std::error_code close(native_socket s) noexcept {
  if (closesocket(s) != 0) return last_socket_error();
  return {};
}

std::error_code bind(native_socket s, const endpoint& local) noexcept {
  sockaddr_storage storage;
  const int length = to_sockaddr(local, storage);
  if (::bind(s, as_sockaddr(storage), length) != 0) return last_socket_error();
  return {};
}

std::error_code listen(native_socket s, int backlog) noexcept {
  if (::listen(s, backlog > 0 ? backlog : SOMAXCONN) != 0) return last_socket_error();
  return {};
}

std::error_code connect(native_socket s, const endpoint& remote) noexcept {
  sockaddr_storage storage;
  const int length = to_sockaddr(remote, storage);
  if (::connect(s, as_sockaddr(storage), length) == 0) return {};
  return last_socket_error();
}

bool connect_pending(const std::error_code& ec) noexcept {
  return ec.category() == native_category() &&
         (ec.value() == WSAEWOULDBLOCK || ec.value() == WSAEINPROGRESS);
}

native_socket accept(native_socket s, endpoint* peer, std::error_code& ec) noexcept {
  ec.clear();
  sockaddr_storage storage{};
  int length = sizeof storage;
  const SOCKET accepted = ::accept(s, as_sockaddr(storage), &length);
  if (accepted == INVALID_SOCKET) {
    ec = last_socket_error();
    return invalid_socket;
  }
  // Windows: the accepted socket inherits the listener's WSAEventSelect association (G7).
  // evsel returns it unregistered; it stays non-blocking.
  if (WSAEventSelect(accepted, nullptr, 0) != 0 || (ec = set_nonblocking(accepted))) {
    if (!ec) ec = last_socket_error();
    closesocket(accepted);
    return invalid_socket;
  }
  if (peer != nullptr) *peer = from_sockaddr(storage);
  return accepted;
}

std::size_t recv(native_socket s,
                 void* data,
                 std::size_t size,
                 message_flags flags,
                 std::error_code& ec) noexcept {
  ec.clear();
  const int n = ::recv(s, static_cast<char*>(data), clamp_length(size), to_native_flags(flags));
  if (n == SOCKET_ERROR) {
    ec = last_socket_error();
    return 0;
  }
  return static_cast<std::size_t>(n);
}

std::size_t send(native_socket s,
                 const void* data,
                 std::size_t size,
                 message_flags flags,
                 std::error_code& ec) noexcept {
  ec.clear();
  for (int attempt = 0;; ++attempt) {
    const int n =
        ::send(s, static_cast<const char*>(data), clamp_length(size), to_native_flags(flags));
    if (n != SOCKET_ERROR) return static_cast<std::size_t>(n);
    if (!is_udp_icmp_error(WSAGetLastError(), attempt)) break;
  }
  ec = last_socket_error();
  return 0;
}

std::size_t recv_from(native_socket s,
                      void* data,
                      std::size_t size,
                      message_flags flags,
                      endpoint& from,
                      std::error_code& ec) noexcept {
  ec.clear();
  sockaddr_storage storage{};
  int length = sizeof storage;
  int n = SOCKET_ERROR;
  for (int attempt = 0;; ++attempt) {
    n = ::recvfrom(s, static_cast<char*>(data), clamp_length(size), to_native_flags(flags),
                   as_sockaddr(storage), &length);
    if (n != SOCKET_ERROR || !is_udp_icmp_error(WSAGetLastError(), attempt)) break;
  }
  if (n == SOCKET_ERROR) {
    ec = last_socket_error();  // WSAEMSGSIZE for a truncated datagram, which is then gone (C09)
    return 0;
  }
  from = from_sockaddr(storage);
  return static_cast<std::size_t>(n);
}

std::size_t send_to(native_socket s,
                    const void* data,
                    std::size_t size,
                    const endpoint& to,
                    std::error_code& ec) noexcept {
  ec.clear();
  sockaddr_storage storage;
  const int length = to_sockaddr(to, storage);
  int n = SOCKET_ERROR;
  for (int attempt = 0;; ++attempt) {
    n = ::sendto(s, static_cast<const char*>(data), clamp_length(size), 0, as_sockaddr(storage),
                 length);
    if (n != SOCKET_ERROR || !is_udp_icmp_error(WSAGetLastError(), attempt)) break;
  }
  if (n == SOCKET_ERROR) {
    ec = last_socket_error();
    return 0;
  }
  return static_cast<std::size_t>(n);
}

std::error_code shutdown_send(native_socket s) noexcept {
  if (::shutdown(s, SD_SEND) != 0) return last_socket_error();
  return {};
}

std::size_t available(native_socket s, std::error_code& ec) noexcept {
  ec.clear();
  u_long count = 0;
  if (ioctlsocket(s, FIONREAD, &count) != 0) {
    ec = last_socket_error();
    return 0;
  }
  return count;
}

bool connection_queued(native_socket listener) noexcept {
  WSAPOLLFD query{};
  query.fd = listener;
  query.events = POLLRDNORM;
  return WSAPoll(&query, 1, 0) == 1 && (query.revents & POLLRDNORM) != 0;
}

std::error_code discard_input(native_socket s) noexcept {
  char scratch[4096];
  for (;;) {
    const int n = ::recv(s, scratch, sizeof scratch, 0);
    if (n > 0) continue;
    if (n == 0) return {};
    const int code = WSAGetLastError();
    return code == WSAEWOULDBLOCK ? std::error_code{} : native_error(code);
  }
}

std::error_code pending_error(native_socket s) noexcept {
  int value = 0;
  int length = sizeof value;
  if (getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&value), &length) != 0) {
    return last_socket_error();
  }
  return value != 0 ? native_error(value) : std::error_code{};
}

bool connection_made(native_socket s) noexcept {
  // SO_CONNECT_TIME, not getpeername: Wine 10 answers getpeername with the address connect
  // was given while the connect is still in progress (W15). Windows documents the connect
  // time as 0xFFFFFFFF for a socket that is not connected.
  DWORD seconds = 0xFFFFFFFF;
  int length = sizeof seconds;
  return getsockopt(s, SOL_SOCKET, SO_CONNECT_TIME, reinterpret_cast<char*>(&seconds), &length) ==
             0 &&
         seconds != 0xFFFFFFFF;
}

endpoint local_endpoint(native_socket s, std::error_code& ec) noexcept {
  ec.clear();
  sockaddr_storage storage{};
  int length = sizeof storage;
  if (getsockname(s, as_sockaddr(storage), &length) != 0) {
    ec = last_socket_error();
    return {};
  }
  return from_sockaddr(storage);
}

endpoint remote_endpoint(native_socket s, std::error_code& ec) noexcept {
  ec.clear();
  sockaddr_storage storage{};
  int length = sizeof storage;
  if (getpeername(s, as_sockaddr(storage), &length) != 0) {
    ec = last_socket_error();
    return {};
  }
  return from_sockaddr(storage);
}

std::error_code set_option(native_socket s, option which, int value) noexcept {
  // Windows: binding over TIME_WAIT is already allowed, and SO_REUSEADDR would let another
  // socket take over a bound port.
  if (which == option::reuse_address) return {};
  const option_id id = native_option(which);
  return set_int(s, id.level, id.name, value);
}

int get_option(native_socket s, option which, std::error_code& ec) noexcept {
  ec.clear();
  const option_id id = native_option(which);
  // BOOL options may come back in fewer bytes than an int: start from zero.
  int value = 0;
  int length = sizeof value;
  if (getsockopt(s, id.level, id.name, reinterpret_cast<char*>(&value), &length) != 0) {
    ec = last_socket_error();
    return 0;
  }
  return value;
}

std::error_code set_linger(native_socket s, bool enabled, std::chrono::seconds timeout) noexcept {
  ::linger value{};
  value.l_onoff = static_cast<u_short>(enabled ? 1 : 0);
  value.l_linger = static_cast<u_short>(timeout.count());
  if (setsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&value), sizeof value) !=
      0) {
    return last_socket_error();
  }
  return {};
}

std::error_code set_keep_alive(native_socket s,
                               std::chrono::seconds idle,
                               std::chrono::seconds interval,
                               unsigned probes) noexcept {
  // The ranges were checked (os.hpp): the casts cannot truncate, nor overflow in ms.
  const int idle_s = static_cast<int>(idle.count());
  const int interval_s = static_cast<int>(interval.count());
  if (!set_int(s, IPPROTO_TCP, tcp_keepidle, idle_s) &&
      !set_int(s, IPPROTO_TCP, tcp_keepintvl, interval_s) &&
      !set_int(s, IPPROTO_TCP, tcp_keepcnt, static_cast<int>(probes))) {
    return set_int(s, SOL_SOCKET, SO_KEEPALIVE, 1);
  }
  // Older Windows, and Wine 8.0, refuse the options (WSAENOPROTOOPT). SIO_KEEPALIVE_VALS
  // takes idle and interval in ms and switches keep-alive on; the count stays the OS's:
  // 10 since Windows Vista (SIO_KEEPALIVE_VALS documentation), under Wine Linux's (9).
  tcp_keepalive values{};
  values.onoff = 1;
  values.keepalivetime = static_cast<u_long>(idle_s) * 1000;
  values.keepaliveinterval = static_cast<u_long>(interval_s) * 1000;
  DWORD unused = 0;
  if (WSAIoctl(s, SIO_KEEPALIVE_VALS, &values, sizeof values, nullptr, 0, &unused, nullptr,
               nullptr) != 0) {
    return last_socket_error();
  }
  return {};
}

std::error_code connection_aborted_code() noexcept {
  return native_error(WSAECONNABORTED);
}

}  // namespace evsel::detail::os
