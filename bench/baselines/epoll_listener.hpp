// SPDX-License-Identifier: MIT
// evsel baselines: a listening socket on an epoll set that rests when descriptors run out.
#pragma once

#include <chrono>
#include <string>

#include <sys/epoll.h>

#include "baseline_common.hpp"

namespace evsel_bench {

class epoll_listener {
 public:
  epoll_listener() = default;
  epoll_listener(const epoll_listener&) = delete;
  epoll_listener& operator=(const epoll_listener&) = delete;
  ~epoll_listener();

  // Binds (SO_REUSEADDR), listens (SOMAXCONN) and adds the socket to `epoll_fd` for EPOLLIN,
  // with `tag` as its epoll data. On failure says why on stderr and returns false.
  bool open(const socket_address& address, int epoll_fd, epoll_data_t tag, const char* program);

  // The next queued connection, non-blocking and close-on-exec; -1 once there is none
  // (EAGAIN), or when accept failed for want of descriptors or memory: then the listener
  // leaves the epoll set for a while, since the connection stays queued and accepting it
  // would fail again at once, forever.
  int accept_connection();

  // The epoll_wait timeout to use: `cap_ms`, or less, so that resting ends on time.
  int wait_timeout_ms(int cap_ms) const;
  // Call after every wait: puts the listener back once its rest is over.
  void resume_if_due();

  // "ADDR:PORT" as bound (the port chosen, for port 0).
  std::string local_address() const;

 private:
  using clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds rest_time{100};

  int fd_ = -1;
  int epoll_fd_ = -1;
  epoll_data_t tag_{};
  const char* program_ = "";
  bool resting_ = false;
  clock::time_point resume_at_{};
};

}  // namespace evsel_bench
