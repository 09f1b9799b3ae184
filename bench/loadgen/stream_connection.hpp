// SPDX-License-Identifier: MIT
// evsel-bench-load: a persistent connection's byte stream: queued, sent, echoed and checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "byte_tape.hpp"
#include "connector.hpp"
#include "run_clock.hpp"

namespace evsel_loadgen {

// Byte counts are positions in the connection's outgoing stream; received <= sent <= queued.
struct stream_connection {
  int fd = -1;  // -1 once closed
  std::uint16_t local_port = 0;
  bool watching_writes = false;  // EPOLLOUT is on: the socket refused part of a send
  std::uint64_t tape_start = 0;
  std::uint64_t queued = 0;    // bytes the protocol has asked to send so far
  std::uint64_t sent = 0;      // bytes the socket took
  std::uint64_t received = 0;  // bytes that came back and matched
  std::uint64_t received_at_sweep = 0;
  clock_type::time_point quiet_since{};
};

// Sending and receiving for many stream connections on one level-triggered epoll instance,
// with one read buffer for all of them.
class stream_io {
 public:
  stream_io(const byte_tape& tape, std::size_t message_size);
  ~stream_io();
  stream_io(const stream_io&) = delete;
  stream_io& operator=(const stream_io&) = delete;

  int poller() const noexcept { return poller_; }

  // Takes over the established sockets (epoll data = their index), each with its own
  // stretch of the tape.
  std::vector<stream_connection> adopt(const std::vector<connected_socket>& sockets);

  // One read. Every byte is checked against the tape; the end of the stream, an error, a
  // byte that differs or more bytes than were sent fail the run. Returns the bytes read,
  // 0 when there were none yet.
  std::size_t receive(stream_connection& c, std::size_t index);

  // One send of what is queued, watching for room when the socket takes only part of it.
  // Returns the bytes sent.
  std::size_t flush(stream_connection& c, std::size_t index);

  // Closes a connection whose every byte came back: with nothing left unread the server
  // sees an orderly close, not a reset, and stops working on it at once.
  static void close_drained(stream_connection& c);

  // Fails when the connection waits for data and has had none for the stall limit.
  void check_stalled(stream_connection& c, std::size_t index, clock_type::time_point now) const;

 private:
  void watch_writes(stream_connection& c, std::size_t index, bool on);

  const byte_tape& tape_;
  std::size_t message_size_;
  int poller_ = -1;
  std::vector<unsigned char> buffer_;
};

}  // namespace evsel_loadgen
