// SPDX-License-Identifier: MIT
// evsel-bench-load: echo and pingpong modes: persistent connections with messages in flight.
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include <sys/epoll.h>

#include "byte_tape.hpp"
#include "connector.hpp"
#include "failure.hpp"
#include "latency_histogram.hpp"
#include "modes.hpp"
#include "sockets.hpp"
#include "stream_connection.hpp"
#include "usage_meter.hpp"

namespace evsel_loadgen {

namespace {

// Every connection keeps `depth` messages queued: each one that comes back whole queues the
// next. A message's latency runs from the send that carried its first byte to the receive
// that completed it; its send time waits in a ring of `depth` slots per connection.
class stream_run {
 public:
  stream_run(const options& o, run_clock& clock)
      : options_(o),
        clock_(clock),
        tape_(o.seed),
        io_(tape_, o.size),
        connections_(io_.adopt(connect_all(o.target, o.connections, clock))),
        sent_at_(connections_.size() * o.depth),
        usage_(o.server_pid) {}

  result_line run() {
    auto now = clock_type::now();
    clock_.start_traffic(now);
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      connections_[i].queued = options_.depth * options_.size;
      send_queued(i);
    }
    std::vector<epoll_event> events(1024);
    for (;;) {
      const int n = epoll_wait(io_.poller(), events.data(), static_cast<int>(events.size()),
                               clock_.wait_milliseconds(now));
      if (n < 0 && errno != EINTR) fail("epoll_wait: %s", std::strerror(errno));
      now = clock_type::now();
      if (clock_.advance(now)) {
        if (!clock_.measuring()) break;
        usage_.start();
      }
      step(events.data(), n, now);
    }
    usage_.stop();
    drain(events, now);
    return report();
  }

 private:
  void step(const epoll_event* events, int count, clock_type::time_point now) {
    clock_.check_deadline(now);
    for (int e = 0; e < count; ++e) serve(events[e].data.u64, events[e].events);
    if (clock_.sweep_due(now)) {
      for (std::size_t i = 0; i < connections_.size(); ++i) {
        io_.check_stalled(connections_[i], i, now);
      }
    }
  }

  // After the window nothing more is queued; what is in flight still comes back and is
  // checked, and then each connection closes. The server under test is left with no
  // connections and no work, instead of resets and echoes to nowhere while the next
  // measurement runs.
  void drain(std::vector<epoll_event>& events, clock_type::time_point now) {
    draining_ = true;
    for (stream_connection& c : connections_) close_if_drained(c);
    while (open_ > 0) {
      const int n = epoll_wait(io_.poller(), events.data(), static_cast<int>(events.size()),
                               clock_.wait_milliseconds(now));
      if (n < 0 && errno != EINTR) fail("epoll_wait: %s", std::strerror(errno));
      now = clock_type::now();
      step(events.data(), n, now);
    }
  }

  void close_if_drained(stream_connection& c) {
    if (c.fd >= 0 && c.received == c.queued) {
      stream_io::close_drained(c);
      --open_;
    }
  }

  void serve(std::size_t index, std::uint32_t events) {
    stream_connection& c = connections_[index];
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) receive(index);
    // Level-triggered: while EPOLLOUT is watched a send before it fires would only fail.
    if (c.queued > c.sent && (!c.watching_writes || (events & (EPOLLOUT | EPOLLERR)))) {
      send_queued(index);
    }
  }

  void receive(std::size_t index) {
    stream_connection& c = connections_[index];
    const std::uint64_t before = c.received;
    if (io_.receive(c, index) == 0) return;
    if (draining_) {
      close_if_drained(c);
      return;
    }
    const std::uint64_t first = before / options_.size;
    const std::uint64_t end = c.received / options_.size;
    if (first == end) return;
    const auto now = clock_type::now();
    if (clock_.measuring()) {
      for (std::uint64_t m = first; m < end; ++m) {
        latencies_.record(std::chrono::nanoseconds(nanoseconds_between(sent_at(index, m), now)));
      }
      ops_ += end - first;
    }
    c.queued += (end - first) * options_.size;
  }

  void send_queued(std::size_t index) {
    stream_connection& c = connections_[index];
    const std::uint64_t before = c.sent;
    if (io_.flush(c, index) == 0) return;
    // The messages whose first byte went out in this send.
    const std::uint64_t first = (before + options_.size - 1) / options_.size;
    const std::uint64_t end = (c.sent + options_.size - 1) / options_.size;
    if (first == end) return;
    const auto now = clock_type::now();
    for (std::uint64_t m = first; m < end; ++m) sent_at(index, m) = now;
  }

  clock_type::time_point& sent_at(std::size_t index, std::uint64_t message) {
    return sent_at_[index * options_.depth + static_cast<std::size_t>(message % options_.depth)];
  }

  result_line report() const {
    const double seconds = clock_.measured_seconds();
    const auto ops = static_cast<double>(ops_);
    result_line line;
    line.add("mode", mode_name(options_.run_mode));
    line.add("connections", static_cast<std::uint64_t>(options_.connections));
    if (options_.run_mode == mode::echo) {
      line.add("depth", static_cast<std::uint64_t>(options_.depth));
    }
    line.add("size", static_cast<std::uint64_t>(options_.size));
    line.add("seconds", seconds, 3);
    line.add("ops", ops_);
    line.add("ops_per_s", ops / seconds, 0);
    // One way: the bytes echoed back, as many as were sent.
    line.add("mib_per_s", ops * static_cast<double>(options_.size) / seconds / (1024.0 * 1024.0),
             1);
    line.add_latencies(latencies_);
    usage_.add_cpu(line, ops_);
    if (options_.server_pid != 0) line.add("server_rss_kib", usage_.server_rss_at_stop_kib());
    return line;
  }

  const options& options_;
  run_clock& clock_;
  byte_tape tape_;
  stream_io io_;
  std::vector<stream_connection> connections_;
  std::vector<clock_type::time_point> sent_at_;
  evsel_examples::latency_histogram latencies_;
  usage_meter usage_;
  std::uint64_t ops_ = 0;
  std::size_t open_ = connections_.size();
  bool draining_ = false;
};

}  // namespace

result_line run_stream_mode(const options& o, run_clock& clock) {
  make_room_for_sockets(o.connections);
  return stream_run(o, clock).run();
}

}  // namespace evsel_loadgen
