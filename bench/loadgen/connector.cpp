// SPDX-License-Identifier: MIT
// evsel-bench-load: opening the persistent connections before any traffic starts.
#include "connector.hpp"

#include <array>
#include <cerrno>
#include <cstring>

#include <sys/epoll.h>
#include <unistd.h>

#include "failure.hpp"
#include "sockets.hpp"

namespace evsel_loadgen {

namespace {

constexpr std::size_t max_connecting = 256;

struct attempt {
  std::size_t index = 0;
  int fd = -1;  // -1: the slot is free
  clock_type::time_point started{};
};

}  // namespace

std::vector<connected_socket> connect_all(const address& to,
                                          std::size_t count,
                                          const run_clock& clock) {
  // A poller of its own: with EPOLLONESHOT each socket reports its connect once, and
  // closing this poller at the end forgets them all without a call per socket.
  const int poller = epoll_create1(EPOLL_CLOEXEC);
  if (poller < 0) fail("epoll_create1: %s", std::strerror(errno));
  std::vector<connected_socket> out(count);
  std::array<attempt, max_connecting> slots{};
  std::array<std::size_t, max_connecting> free_slots{};
  std::size_t free_count = max_connecting;
  for (std::size_t i = 0; i < max_connecting; ++i) free_slots[i] = max_connecting - 1 - i;
  std::array<epoll_event, max_connecting> events{};
  std::size_t next = 0;
  std::size_t done = 0;
  while (done < count) {
    auto now = clock_type::now();
    while (next < count && free_count > 0) {
      const int fd = start_connect(to);
      if (fd < 0)
        fail_connection(next, 0, "connect to %s: %s", to.text.c_str(), describe_errno(-fd));
      const std::size_t slot = free_slots[--free_count];
      slots[slot] = attempt{next++, fd, now};
      epoll_event interest{};
      interest.events = EPOLLOUT | EPOLLONESHOT;
      interest.data.u64 = slot;
      if (epoll_ctl(poller, EPOLL_CTL_ADD, fd, &interest) != 0) {
        fail("epoll_ctl: %s", std::strerror(errno));
      }
    }
    const int n = epoll_wait(poller, events.data(), static_cast<int>(events.size()), 200);
    if (n < 0 && errno != EINTR) fail("epoll_wait: %s", std::strerror(errno));
    now = clock_type::now();
    for (int e = 0; e < n; ++e) {
      const std::size_t slot = events[e].data.u64;
      attempt& a = slots[slot];
      const int error = connect_outcome(a.fd);
      if (error != 0) {
        fail_connection(a.index, 0, "connect to %s: %s", to.text.c_str(), describe_errno(error));
      }
      send_without_delay(a.fd);
      out[a.index] = connected_socket{a.fd, local_port(a.fd)};
      a.fd = -1;
      free_slots[free_count++] = slot;
      ++done;
    }
    clock.check_deadline(now);
    for (const attempt& a : slots) {
      if (a.fd >= 0 && now - a.started >= stall_limit) {
        fail_connection(a.index, 0, "connect to %s did not complete within %lld s", to.text.c_str(),
                        static_cast<long long>(stall_limit.count()));
      }
    }
  }
  close(poller);
  return out;
}

}  // namespace evsel_loadgen
