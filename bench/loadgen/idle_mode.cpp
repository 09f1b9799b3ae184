// SPDX-License-Identifier: MIT
// evsel-bench-load: idle mode: many connections, one round trip each, then the server's memory.
#include <cerrno>
#include <cstring>
#include <vector>

#include <sys/epoll.h>

#include "byte_tape.hpp"
#include "connector.hpp"
#include "failure.hpp"
#include "modes.hpp"
#include "sockets.hpp"
#include "stream_connection.hpp"
#include "usage_meter.hpp"

namespace evsel_loadgen {

namespace {

// Every connection makes one verified round trip, so the server has surely accepted and
// registered each before its memory is read again.
void round_trip_on_each(stream_io& io,
                        std::vector<stream_connection>& connections,
                        std::size_t size,
                        run_clock& clock) {
  for (std::size_t i = 0; i < connections.size(); ++i) {
    connections[i].queued = size;
    io.flush(connections[i], i);
  }
  std::size_t remaining = connections.size();
  std::vector<epoll_event> events(1024);
  auto now = clock_type::now();
  while (remaining > 0) {
    const int n = epoll_wait(io.poller(), events.data(), static_cast<int>(events.size()),
                             clock.wait_milliseconds(now));
    if (n < 0 && errno != EINTR) fail("epoll_wait: %s", std::strerror(errno));
    now = clock_type::now();
    clock.check_deadline(now);
    for (int e = 0; e < n; ++e) {
      const std::size_t index = events[e].data.u64;
      stream_connection& c = connections[index];
      if (events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        const std::uint64_t before = c.received;
        io.receive(c, index);
        if (before < size && c.received == size) --remaining;
      }
      if (events[e].events & EPOLLOUT) io.flush(c, index);
    }
    if (remaining > 0 && clock.sweep_due(now)) {
      for (std::size_t i = 0; i < connections.size(); ++i) {
        io.check_stalled(connections[i], i, now);
      }
    }
  }
}

}  // namespace

result_line run_idle_mode(const options& o, run_clock& clock) {
  make_room_for_sockets(o.connections);
  usage_meter usage(o.server_pid);
  usage.start();
  const auto start = clock_type::now();
  const byte_tape tape(o.seed);
  stream_io io(tape, o.size);
  std::vector<stream_connection> connections =
      io.adopt(connect_all(o.target, o.connections, clock));
  round_trip_on_each(io, connections, o.size, clock);
  usage.stop();
  const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();

  const auto count = static_cast<std::uint64_t>(o.connections);
  result_line line;
  line.add("mode", "idle");
  line.add("connections", count);
  line.add("size", static_cast<std::uint64_t>(o.size));
  // Setting up: connecting them all and the round trips.
  line.add("seconds", seconds, 3);
  line.add("ops", count);
  line.add("ops_per_s", static_cast<double>(count) / seconds, 0);
  usage.add_cpu(line, count);
  if (o.server_pid != 0) {
    const auto before = static_cast<std::int64_t>(usage.server_rss_at_start_kib());
    const auto after = static_cast<std::int64_t>(usage.server_rss_at_stop_kib());
    line.add("server_rss_before_kib", usage.server_rss_at_start_kib());
    line.add("server_rss_after_kib", usage.server_rss_at_stop_kib());
    line.add_signed("server_rss_per_conn_bytes",
                    (after - before) * 1024 / static_cast<std::int64_t>(count));
  }
  return line;
}

}  // namespace evsel_loadgen
