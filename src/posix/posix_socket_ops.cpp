// SPDX-License-Identifier: MIT
// evsel: the OS-call layer on POSIX (BSD sockets; every errno read happens here).
#include <climits>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../native_errors.hpp"
#include "../os.hpp"
#include "../sockaddr_convert.hpp"
#include "../socket_option_ids.hpp"

namespace evsel::detail::os {
namespace {

std::error_code last_error() noexcept {
  return native_error(errno);
}

socklen_t to_sockaddr(const endpoint& e, sockaddr_storage& storage) noexcept {
  return static_cast<socklen_t>(
      endpoint_to_sockaddr<sockaddr_in, sockaddr_in6>(e, storage, AF_INET, AF_INET6));
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

#if defined(MSG_NOSIGNAL)
constexpr int no_sigpipe = MSG_NOSIGNAL;
#else
constexpr int no_sigpipe = 0;  // SO_NOSIGPIPE is set at open instead (macOS)
#endif

// An ICMP error of an earlier datagram, which evsel does not report on UDP sockets (see
// os.hpp); only datagram sockets fail a send or recv with ECONNREFUSED. The failed call
// consumed the error, so the caller tries again, a bounded number of times.
bool is_udp_icmp_error(int code, int attempt) noexcept {
  return code == ECONNREFUSED && attempt < 16;
}

[[maybe_unused]] std::error_code make_nonblocking(int fd) noexcept {
  const int flags = ::fcntl(fd, F_GETFL, 0);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return last_error();
  if (::fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) return last_error();
  return {};
}

std::error_code set_int(int fd, int level, int name, int value) noexcept {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) return last_error();
  return {};
}

}  // namespace

std::error_code startup() noexcept {
  return {};
}

native_socket open(address_family family, protocol transport, std::error_code& ec) noexcept {
  ec.clear();
  const int domain = family == address_family::ipv4 ? AF_INET : AF_INET6;
  const int type = transport == protocol::tcp ? SOCK_STREAM : SOCK_DGRAM;
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  const int fd = ::socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ec = last_error();
    return invalid_socket;
  }
#else
  const int fd = ::socket(domain, type, 0);
  if (fd < 0) {
    ec = last_error();
    return invalid_socket;
  }
  if ((ec = make_nonblocking(fd))) {
    ::close(fd);
    return invalid_socket;
  }
#endif
#if defined(SO_NOSIGPIPE)
  if ((ec = set_int(fd, SOL_SOCKET, SO_NOSIGPIPE, 1))) {
    ::close(fd);
    return invalid_socket;
  }
#endif
  // One address family per socket, as on Windows by default.
  if (family == address_family::ipv6 && (ec = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1))) {
    ::close(fd);
    return invalid_socket;
  }
  return fd;
}

std::error_code close(native_socket s) noexcept {
  // POSIX leaves the descriptor state unspecified after EINTR; Linux always frees it, so
  // retrying could close a descriptor another thread just opened.
  if (::close(s) != 0 && errno != EINTR) return last_error();
  return {};
}

std::error_code bind(native_socket s, const endpoint& local) noexcept {
  sockaddr_storage storage;
  const socklen_t length = to_sockaddr(local, storage);
  if (::bind(s, as_sockaddr(storage), length) != 0) return last_error();
  return {};
}

std::error_code listen(native_socket s, int backlog) noexcept {
  if (::listen(s, backlog > 0 ? backlog : SOMAXCONN) != 0) return last_error();
  return {};
}

std::error_code connect(native_socket s, const endpoint& remote) noexcept {
  sockaddr_storage storage;
  const socklen_t length = to_sockaddr(remote, storage);
  if (::connect(s, as_sockaddr(storage), length) == 0) return {};
  // An interrupted connect goes on in the background, like EINPROGRESS.
  return native_error(errno == EINTR ? EINPROGRESS : errno);
}

bool connect_pending(const std::error_code& ec) noexcept {
  return ec.category() == native_category() && ec.value() == EINPROGRESS;
}

native_socket accept(native_socket s, endpoint* peer, std::error_code& ec) noexcept {
  ec.clear();
  sockaddr_storage storage{};
  for (;;) {
    socklen_t length = sizeof storage;
#if defined(__linux__)
    const int fd = ::accept4(s, as_sockaddr(storage), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    const int fd = ::accept(s, as_sockaddr(storage), &length);
#endif
    if (fd < 0) {
      if (errno == EINTR) continue;
      ec = last_error();
      return invalid_socket;
    }
#if !defined(__linux__)
    if ((ec = make_nonblocking(fd))) {
      ::close(fd);
      return invalid_socket;
    }
#endif
#if defined(SO_NOSIGPIPE)
    if ((ec = set_int(fd, SOL_SOCKET, SO_NOSIGPIPE, 1))) {
      ::close(fd);
      return invalid_socket;
    }
#endif
    if (peer != nullptr) *peer = from_sockaddr(storage);
    return fd;
  }
}

std::size_t recv(native_socket s,
                 void* data,
                 std::size_t size,
                 message_flags flags,
                 std::error_code& ec) noexcept {
  ec.clear();
  for (;;) {
    const ssize_t n = ::recv(s, data, size, to_native_flags(flags));
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    ec = last_error();
    return 0;
  }
}

std::size_t send(native_socket s,
                 const void* data,
                 std::size_t size,
                 message_flags flags,
                 std::error_code& ec) noexcept {
  ec.clear();
  for (int attempt = 0;;) {
    const ssize_t n = ::send(s, data, size, to_native_flags(flags) | no_sigpipe);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR || is_udp_icmp_error(errno, attempt++)) continue;
    // Linux says EPIPE once a reset has been read; Windows keeps saying WSAECONNRESET
    // (C39). Local shutdown is refused before the call, so EPIPE here is the peer's doing.
    ec = native_error(errno == EPIPE ? ECONNRESET : errno);
    return 0;
  }
}

std::size_t recv_from(native_socket s,
                      void* data,
                      std::size_t size,
                      message_flags flags,
                      endpoint& from,
                      std::error_code& ec) noexcept {
  ec.clear();
  sockaddr_storage storage{};
  iovec buffer{data, size};
  msghdr message{};
  message.msg_name = &storage;
  message.msg_namelen = sizeof storage;
  message.msg_iov = &buffer;
  message.msg_iovlen = 1;
  for (int attempt = 0;;) {
    const ssize_t n = ::recvmsg(s, &message, to_native_flags(flags));
    if (n < 0 && (errno == EINTR || is_udp_icmp_error(errno, attempt++))) continue;
    if (n < 0) {
      ec = last_error();
      return 0;
    }
    from = from_sockaddr(storage);
    // Windows fails a truncated datagram with WSAEMSGSIZE (C09); POSIX flags it. Either
    // way the rest of the datagram is gone.
    if ((message.msg_flags & MSG_TRUNC) != 0) {
      ec = native_error(EMSGSIZE);
      return 0;
    }
    return static_cast<std::size_t>(n);
  }
}

std::size_t send_to(native_socket s,
                    const void* data,
                    std::size_t size,
                    const endpoint& to,
                    std::error_code& ec) noexcept {
  ec.clear();
  sockaddr_storage storage;
  const socklen_t length = to_sockaddr(to, storage);
  for (int attempt = 0;;) {
    const ssize_t n = ::sendto(s, data, size, no_sigpipe, as_sockaddr(storage), length);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR || is_udp_icmp_error(errno, attempt++)) continue;
    ec = last_error();
    return 0;
  }
}

std::error_code shutdown_send(native_socket s) noexcept {
  if (::shutdown(s, SHUT_WR) != 0) return last_error();
  return {};
}

std::size_t available(native_socket s, std::error_code& ec) noexcept {
  ec.clear();
  int count = 0;
  if (::ioctl(s, FIONREAD, &count) != 0) {
    ec = last_error();
    return 0;
  }
  return count > 0 ? static_cast<std::size_t>(count) : 0;
}

std::error_code pending_error(native_socket s) noexcept {
  int value = 0;
  socklen_t length = sizeof value;
  if (::getsockopt(s, SOL_SOCKET, SO_ERROR, &value, &length) != 0) return last_error();
  return value != 0 ? native_error(value) : std::error_code{};
}

bool connection_made(native_socket s) noexcept {
  // A socket whose connect is still in progress has no peer yet.
  sockaddr_storage storage;
  socklen_t length = sizeof storage;
  return ::getpeername(s, as_sockaddr(storage), &length) == 0;
}

endpoint local_endpoint(native_socket s, std::error_code& ec) noexcept {
  ec.clear();
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (::getsockname(s, as_sockaddr(storage), &length) != 0) {
    ec = last_error();
    return {};
  }
  return from_sockaddr(storage);
}

endpoint remote_endpoint(native_socket s, std::error_code& ec) noexcept {
  ec.clear();
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (::getpeername(s, as_sockaddr(storage), &length) != 0) {
    ec = last_error();
    return {};
  }
  return from_sockaddr(storage);
}

std::error_code set_option(native_socket s, option which, int value) noexcept {
  const option_id id = native_option(which);
  return set_int(s, id.level, id.name, value);
}

int get_option(native_socket s, option which, std::error_code& ec) noexcept {
  ec.clear();
  const option_id id = native_option(which);
  int value = 0;
  socklen_t length = sizeof value;
  if (::getsockopt(s, id.level, id.name, &value, &length) != 0) {
    ec = last_error();
    return 0;
  }
  return value;
}

std::error_code set_linger(native_socket s, bool enabled, std::chrono::seconds timeout) noexcept {
  ::linger value{};
  value.l_onoff = enabled ? 1 : 0;
  value.l_linger = static_cast<int>(timeout.count());
  if (::setsockopt(s, SOL_SOCKET, SO_LINGER, &value, sizeof value) != 0) return last_error();
  return {};
}

std::error_code set_keep_alive(native_socket s,
                               std::chrono::seconds idle,
                               std::chrono::seconds interval,
                               unsigned probes) noexcept {
#if defined(TCP_KEEPIDLE)
  constexpr int idle_option = TCP_KEEPIDLE;
#else
  constexpr int idle_option = TCP_KEEPALIVE;  // macOS: the same option under another name
#endif
  // The ranges were checked (os.hpp): the casts cannot truncate.
  std::error_code ec;
  if ((ec = set_int(s, IPPROTO_TCP, idle_option, static_cast<int>(idle.count()))) ||
      (ec = set_int(s, IPPROTO_TCP, TCP_KEEPINTVL, static_cast<int>(interval.count()))) ||
      (ec = set_int(s, IPPROTO_TCP, TCP_KEEPCNT, static_cast<int>(probes)))) {
    return ec;
  }
  return set_int(s, SOL_SOCKET, SO_KEEPALIVE, 1);
}

std::error_code connection_aborted_code() noexcept {
  return native_error(ECONNABORTED);
}

}  // namespace evsel::detail::os
