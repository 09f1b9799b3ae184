// SPDX-License-Identifier: MIT
// evsel baselines: a listening socket on an epoll set that rests when descriptors run out.
#include "epoll_listener.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace evsel_bench {

epoll_listener::~epoll_listener() {
  if (fd_ >= 0) ::close(fd_);
}

bool epoll_listener::open(const socket_address& address,
                          int epoll_fd,
                          epoll_data_t tag,
                          const char* program) {
  program_ = program;
  epoll_fd_ = epoll_fd;
  tag_ = tag;
  fd_ = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int on = 1;
  epoll_event watch{};
  watch.events = EPOLLIN;
  watch.data = tag_;
  if (fd_ < 0 || ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      ::bind(fd_, reinterpret_cast<const sockaddr*>(&address.storage), address.size) != 0 ||
      ::listen(fd_, SOMAXCONN) != 0 || ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd_, &watch) != 0) {
    std::fprintf(stderr, "%s: cannot listen: %s\n", program_, std::strerror(errno));
    return false;
  }
  return true;
}

int epoll_listener::accept_connection() {
  if (resting_) return -1;
  for (;;) {
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) return fd;
    switch (errno) {
      case EAGAIN:
#if EWOULDBLOCK != EAGAIN
      case EWOULDBLOCK:
#endif
        return -1;
      case EMFILE:
      case ENFILE:
      case ENOBUFS:
      case ENOMEM:
        std::fprintf(stderr, "%s: accept: %s; not accepting for %lld ms\n", program_,
                     std::strerror(errno), static_cast<long long>(rest_time.count()));
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd_, nullptr);
        resting_ = true;
        resume_at_ = clock::now() + rest_time;
        return -1;
      default:
        continue;  // the connection went away before it was accepted (ECONNABORTED, ...)
    }
  }
}

int epoll_listener::wait_timeout_ms(int cap_ms) const {
  if (!resting_) return cap_ms;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(resume_at_ - clock::now());
  return static_cast<int>(std::clamp<long long>(left.count(), 0, cap_ms));
}

void epoll_listener::resume_if_due() {
  if (!resting_ || clock::now() < resume_at_) return;
  epoll_event watch{};
  watch.events = EPOLLIN;
  watch.data = tag_;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd_, &watch) != 0) {
    std::fprintf(stderr, "%s: cannot watch the listener again: %s\n", program_,
                 std::strerror(errno));
    resume_at_ = clock::now() + rest_time;
    return;
  }
  resting_ = false;
}

std::string epoll_listener::local_address() const {
  sockaddr_storage bound{};
  socklen_t size = sizeof bound;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &size) != 0) return "?";
  char text[INET6_ADDRSTRLEN] = "?";
  if (bound.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&bound);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&bound);
  ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
  return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6->sin6_port));
}

}  // namespace evsel_bench
