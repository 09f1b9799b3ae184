// SPDX-License-Identifier: MIT
// evsel-bench-load: non-blocking TCP sockets and room for many of them.
#include "sockets.hpp"

#include <cerrno>
#include <cstring>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "failure.hpp"

namespace evsel_loadgen {

namespace {

// Descriptors besides the sockets: stdio, epoll, /proc readings, and a margin.
constexpr std::size_t other_descriptors = 32;

}  // namespace

int start_connect(const address& to) noexcept {
  const int fd = socket(to.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return -errno;
  if (connect(fd, to.get(), to.length) == 0 || errno == EINPROGRESS) return fd;
  const int error = errno;
  close(fd);
  return -error;
}

int connect_outcome(int fd) noexcept {
  int error = 0;
  socklen_t length = sizeof error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

void send_without_delay(int fd) noexcept {
  const int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

std::uint16_t local_port(int fd) noexcept {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return 0;
  if (local.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
}

const char* describe_errno(int error) noexcept {
  switch (error) {
    case EADDRNOTAVAIL:
      return "no local port left (EADDRNOTAVAIL): the ports of closed connections stay in "
             "TIME_WAIT for 60 s; see net.ipv4.ip_local_port_range and tcp_tw_reuse";
    case EMFILE:
    case ENFILE:
      return "out of descriptors (EMFILE/ENFILE)";
    default:
      return std::strerror(error);
  }
}

void make_room_for_sockets(std::size_t sockets) {
  const std::size_t wanted = sockets + other_descriptors;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) fail("getrlimit: %s", std::strerror(errno));
  if (sockets > 900 || limit.rlim_cur < wanted) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) fail("setrlimit: %s", std::strerror(errno));
  }
  if (limit.rlim_cur < wanted) {
    fail("%zu sockets need %zu descriptors, but the hard limit is %llu (ulimit -Hn)", sockets,
         wanted, static_cast<unsigned long long>(limit.rlim_cur));
  }
}

}  // namespace evsel_loadgen
