// SPDX-License-Identifier: MIT
// evsel-wsa: the hidden poller of every selected socket and the thread that waits on it.
//
// Winsock lets any number of threads wait on event objects at once, each over its own
// sockets; an evsel poller has one wait at a time. So one thread waits on one poller that
// holds every selected socket, and moves each record into its socket's Winsock record and
// signals the socket's event object. The cost: one extra thread, and one more thread
// switch between the network and the waiting application than Windows has.
#pragma once

#include <atomic>
#include <thread>

#include <evsel/poller.hpp>

namespace evsel::wsa {

struct runtime;

class pump {
 public:
  explicit pump(runtime& rt);
  ~pump();
  pump(const pump&) = delete;
  pump& operator=(const pump&) = delete;

  evsel::poller& poller() noexcept { return poller_; }
  // Ends the thread after its current round; joins it.
  void stop() noexcept;

 private:
  void run() noexcept;

  runtime& rt_;
  evsel::poller poller_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace evsel::wsa
