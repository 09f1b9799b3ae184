// SPDX-License-Identifier: MIT
// evsel-bench-load: connect mode: short connections, each connect, echo, close.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "byte_tape.hpp"
#include "failure.hpp"
#include "latency_histogram.hpp"
#include "modes.hpp"
#include "sockets.hpp"
#include "usage_meter.hpp"

namespace evsel_loadgen {

namespace {

struct attempt {
  int fd = -1;
  bool connected = false;
  std::uint32_t watched = EPOLLOUT;  // the connect, then reading, and writing while needed
  std::uint64_t number = 0;          // names it in messages and picks its stretch of the tape
  std::uint64_t tape_start = 0;
  std::size_t sent = 0;
  std::size_t received = 0;
  clock_type::time_point started{};
  clock_type::time_point last_progress{};
};

// `concurrency` slots, each running one attempt after another. The client closes first, so
// the TIME_WAIT states are ours; Linux reuses them for new connects on loopback
// (tcp_tw_reuse=2), elsewhere the local ports may run out, which fails with a clear line.
class connect_run {
 public:
  connect_run(const options& o, run_clock& clock)
      : options_(o),
        clock_(clock),
        tape_(o.seed),
        slots_(o.concurrency),
        buffer_(byte_tape::max_span),
        usage_(o.server_pid) {
    poller_ = epoll_create1(EPOLL_CLOEXEC);
    if (poller_ < 0) fail("epoll_create1: %s", std::strerror(errno));
  }

  ~connect_run() { close(poller_); }
  connect_run(const connect_run&) = delete;
  connect_run& operator=(const connect_run&) = delete;

  result_line run() {
    auto now = clock_type::now();
    clock_.start_traffic(now);
    for (std::size_t slot = 0; slot < slots_.size(); ++slot) launch(slot);
    std::vector<epoll_event> events(1024);
    for (;;) {
      const int n = wait(events, now);
      now = clock_type::now();
      if (clock_.advance(now)) {
        if (!clock_.measuring()) break;
        usage_.start();
      }
      step(events.data(), n, now);
    }
    usage_.stop();
    // The attempts under way complete (and are checked) but start no others: the server is
    // left with nothing to do, not with resets, when the next measurement begins.
    finishing_ = true;
    while (active_ > 0) {
      const int n = wait(events, now);
      now = clock_type::now();
      step(events.data(), n, now);
    }
    return report();
  }

 private:
  enum class send_result { progress, would_block };

  int wait(std::vector<epoll_event>& events, clock_type::time_point now) {
    const int n = epoll_wait(poller_, events.data(), static_cast<int>(events.size()),
                             clock_.wait_milliseconds(now));
    if (n < 0 && errno != EINTR) fail("epoll_wait: %s", std::strerror(errno));
    return n;
  }

  void step(const epoll_event* events, int count, clock_type::time_point now) {
    clock_.check_deadline(now);
    for (int e = 0; e < count; ++e) serve(events[e].data.u64, events[e].events, now);
    if (clock_.sweep_due(now)) check_stalled(now);
  }

  void launch(std::size_t slot) {
    attempt& a = slots_[slot];
    a = attempt{};
    a.number = next_number_++;
    a.tape_start = tape_.start_of(a.number);
    a.started = clock_type::now();
    a.last_progress = a.started;
    a.fd = start_connect(options_.target);
    if (a.fd < 0) {
      fail_connection(a.number, 0, "connect to %s: %s", options_.target.text.c_str(),
                      describe_errno(-a.fd));
    }
    // On loopback the handshake is usually over when connect returns: sending at once
    // saves waiting for writability and asking for the outcome, two system calls of nine.
    a.connected = send_rest(slot) == send_result::progress;
    a.watched = a.connected ? wanted_events(a) : EPOLLOUT;
    watch(slot, EPOLL_CTL_ADD, a.watched);
  }

  void serve(std::size_t slot, std::uint32_t events, clock_type::time_point now) {
    attempt& a = slots_[slot];
    if (!a.connected) {
      const int error = connect_outcome(a.fd);
      if (error != 0) {
        fail_connection(a.number, 0, "connect to %s: %s", options_.target.text.c_str(),
                        describe_errno(error));
      }
      a.connected = true;
      a.last_progress = now;
      send_rest(slot);
    } else {
      if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        if (receive(slot, now)) return;
      }
      if ((events & EPOLLOUT) && a.sent < options_.size) send_rest(slot);
    }
    const std::uint32_t wanted = wanted_events(a);
    if (wanted != a.watched) {
      watch(slot, EPOLL_CTL_MOD, wanted);
      a.watched = wanted;
    }
  }

  // Reading goes on while sending: a large echo must not wait for the whole message.
  std::uint32_t wanted_events(const attempt& a) const {
    return a.sent < options_.size ? EPOLLIN | EPOLLOUT : EPOLLIN;
  }

  send_result send_rest(std::size_t slot) {
    attempt& a = slots_[slot];
    const ssize_t n = send(a.fd, tape_.span(a.tape_start + a.sent),
                           std::min(options_.size - a.sent, byte_tape::max_span), MSG_NOSIGNAL);
    if (n >= 0) {
      a.sent += static_cast<std::size_t>(n);
      return send_result::progress;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return send_result::would_block;
    const int send_error = errno;
    if (!a.connected) {
      // The connect failed: the send reports its error, or EPIPE and leaves it in SO_ERROR.
      const int connect_error = connect_outcome(a.fd);
      fail_connection(a.number, 0, "connect to %s: %s", options_.target.text.c_str(),
                      describe_errno(connect_error != 0 ? connect_error : send_error));
    }
    fail_connection(a.number, local_port(a.fd), "send failed after %zu of %zu bytes: %s", a.sent,
                    options_.size, std::strerror(send_error));
  }

  // True when the attempt is complete and its slot started the next one.
  bool receive(std::size_t slot, clock_type::time_point now) {
    attempt& a = slots_[slot];
    const ssize_t n = recv(a.fd, buffer_.data(), buffer_.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return false;
      fail_connection(a.number, local_port(a.fd),
                      "receive failed after %zu of %zu bytes came back: %s", a.received,
                      options_.size, std::strerror(errno));
    }
    if (n == 0) {
      fail_connection(a.number, local_port(a.fd),
                      "the server closed the connection after %zu of %zu bytes came back",
                      a.received, options_.size);
    }
    const auto count = static_cast<std::size_t>(n);
    if (a.received + count > a.sent) {
      fail_connection(a.number, local_port(a.fd), "%zu bytes came back but only %zu were sent",
                      a.received + count, a.sent);
    }
    const std::size_t good = tape_.matching(a.tape_start + a.received, buffer_.data(), count);
    if (good != count) {
      fail_connection(a.number, local_port(a.fd), "byte %zu of the echo is 0x%02x, expected 0x%02x",
                      a.received + good, static_cast<unsigned>(buffer_[good]),
                      static_cast<unsigned>(tape_.at(a.tape_start + a.received + good)));
    }
    a.received += count;
    a.last_progress = now;
    if (a.received < options_.size) return false;
    if (clock_.measuring()) {
      latencies_.record(
          std::chrono::nanoseconds(nanoseconds_between(a.started, clock_type::now())));
      ++ops_;
    }
    // Nothing is left unread, so this is an orderly close (FIN), not a reset.
    close(a.fd);
    a.fd = -1;
    if (finishing_) {
      --active_;
    } else {
      launch(slot);
    }
    return true;
  }

  void watch(std::size_t slot, int operation, std::uint32_t events) {
    epoll_event interest{};
    interest.events = events;
    interest.data.u64 = slot;
    if (epoll_ctl(poller_, operation, slots_[slot].fd, &interest) != 0) {
      fail("epoll_ctl: %s", std::strerror(errno));
    }
  }

  void check_stalled(clock_type::time_point now) const {
    for (const attempt& a : slots_) {
      if (a.fd < 0 || now - a.last_progress < stall_limit) continue;
      const long long limit = static_cast<long long>(stall_limit.count());
      if (!a.connected) {
        fail_connection(a.number, 0, "connect to %s did not complete within %lld s",
                        options_.target.text.c_str(), limit);
      }
      fail_connection(a.number, local_port(a.fd),
                      "nothing received for %lld s while waiting for %zu more bytes", limit,
                      options_.size - a.received);
    }
  }

  result_line report() const {
    const double seconds = clock_.measured_seconds();
    result_line line;
    line.add("mode", "connect");
    line.add("concurrency", static_cast<std::uint64_t>(options_.concurrency));
    line.add("size", static_cast<std::uint64_t>(options_.size));
    line.add("seconds", seconds, 3);
    line.add("ops", ops_);
    line.add("ops_per_s", static_cast<double>(ops_) / seconds, 0);
    line.add_latencies(latencies_);
    usage_.add_cpu(line, ops_);
    if (options_.server_pid != 0) line.add("server_rss_kib", usage_.server_rss_at_stop_kib());
    return line;
  }

  const options& options_;
  run_clock& clock_;
  byte_tape tape_;
  int poller_ = -1;
  std::vector<attempt> slots_;
  std::vector<unsigned char> buffer_;
  evsel_examples::latency_histogram latencies_;
  usage_meter usage_;
  std::uint64_t next_number_ = 0;
  std::uint64_t ops_ = 0;
  std::size_t active_ = slots_.size();
  bool finishing_ = false;
};

}  // namespace

result_line run_connect_mode(const options& o, run_clock& clock) {
  make_room_for_sockets(o.concurrency);
  return connect_run(o, clock).run();
}

}  // namespace evsel_loadgen
