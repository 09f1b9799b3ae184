// SPDX-License-Identifier: MIT
// evsel-bench-load: a persistent connection's byte stream: queued, sent, echoed and checked.
#include "stream_connection.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "failure.hpp"

namespace evsel_loadgen {

stream_io::stream_io(const byte_tape& tape, std::size_t message_size)
    : tape_(tape), message_size_(message_size), buffer_(byte_tape::max_span) {
  poller_ = epoll_create1(EPOLL_CLOEXEC);
  if (poller_ < 0) fail("epoll_create1: %s", std::strerror(errno));
}

stream_io::~stream_io() {
  close(poller_);
}

std::vector<stream_connection> stream_io::adopt(const std::vector<connected_socket>& sockets) {
  std::vector<stream_connection> connections(sockets.size());
  const auto now = clock_type::now();
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    stream_connection& c = connections[i];
    c.fd = sockets[i].fd;
    c.local_port = sockets[i].local_port;
    c.tape_start = tape_.start_of(i);
    c.quiet_since = now;
    epoll_event interest{};
    interest.events = EPOLLIN;
    interest.data.u64 = i;
    if (epoll_ctl(poller_, EPOLL_CTL_ADD, c.fd, &interest) != 0) {
      fail("epoll_ctl: %s", std::strerror(errno));
    }
  }
  return connections;
}

std::size_t stream_io::receive(stream_connection& c, std::size_t index) {
  const ssize_t n = recv(c.fd, buffer_.data(), buffer_.size(), 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
    fail_connection(index, c.local_port, "receive failed: %s; %llu bytes sent, %llu came back",
                    std::strerror(errno), static_cast<unsigned long long>(c.sent),
                    static_cast<unsigned long long>(c.received));
  }
  if (n == 0) {
    fail_connection(
        index, c.local_port, "the server closed the connection; %llu bytes sent, %llu came back",
        static_cast<unsigned long long>(c.sent), static_cast<unsigned long long>(c.received));
  }
  const auto count = static_cast<std::size_t>(n);
  if (c.received + count > c.sent) {
    fail_connection(index, c.local_port, "%llu bytes came back but only %llu were sent",
                    static_cast<unsigned long long>(c.received + count),
                    static_cast<unsigned long long>(c.sent));
  }
  const std::size_t good = tape_.matching(c.tape_start + c.received, buffer_.data(), count);
  if (good != count) {
    const std::uint64_t offset = c.received + good;
    fail_connection(index, c.local_port,
                    "byte %llu of the echoed stream (message %llu, byte %llu) is 0x%02x, "
                    "expected 0x%02x",
                    static_cast<unsigned long long>(offset),
                    static_cast<unsigned long long>(offset / message_size_),
                    static_cast<unsigned long long>(offset % message_size_),
                    static_cast<unsigned>(buffer_[good]),
                    static_cast<unsigned>(tape_.at(c.tape_start + offset)));
  }
  c.received += count;
  return count;
}

std::size_t stream_io::flush(stream_connection& c, std::size_t index) {
  const std::uint64_t pending = c.queued - c.sent;
  if (pending == 0) {
    if (c.watching_writes) watch_writes(c, index, false);
    return 0;
  }
  const std::size_t length =
      static_cast<std::size_t>(std::min<std::uint64_t>(pending, byte_tape::max_span));
  const ssize_t n = send(c.fd, tape_.span(c.tape_start + c.sent), length, MSG_NOSIGNAL);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    fail_connection(index, c.local_port, "send failed: %s; %llu bytes sent, %llu came back",
                    std::strerror(errno), static_cast<unsigned long long>(c.sent),
                    static_cast<unsigned long long>(c.received));
  }
  const std::size_t taken = n > 0 ? static_cast<std::size_t>(n) : 0;
  c.sent += taken;
  const bool more = c.sent < c.queued;
  if (more != c.watching_writes) watch_writes(c, index, more);
  return taken;
}

void stream_io::watch_writes(stream_connection& c, std::size_t index, bool on) {
  epoll_event interest{};
  interest.events = on ? EPOLLIN | EPOLLOUT : EPOLLIN;
  interest.data.u64 = index;
  if (epoll_ctl(poller_, EPOLL_CTL_MOD, c.fd, &interest) != 0) {
    fail("epoll_ctl: %s", std::strerror(errno));
  }
  c.watching_writes = on;
}

void stream_io::close_drained(stream_connection& c) {
  close(c.fd);
  c.fd = -1;
}

void stream_io::check_stalled(stream_connection& c,
                              std::size_t index,
                              clock_type::time_point now) const {
  if (c.fd < 0) return;
  const bool waiting = c.received < c.queued;
  if (!waiting || c.received != c.received_at_sweep) {
    c.received_at_sweep = c.received;
    c.quiet_since = now;
    return;
  }
  if (now - c.quiet_since < stall_limit) return;
  fail_connection(index, c.local_port,
                  "nothing received for %lld s while waiting for %llu more bytes "
                  "(message %llu, %llu bytes sent)",
                  static_cast<long long>(stall_limit.count()),
                  static_cast<unsigned long long>(c.queued - c.received),
                  static_cast<unsigned long long>(c.received / message_size_),
                  static_cast<unsigned long long>(c.sent));
}

}  // namespace evsel_loadgen
