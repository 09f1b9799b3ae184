// SPDX-License-Identifier: MIT
// evsel-scale-peer: one side of the cross-process stress test. `serve` registers every
// connection it accepts on one poller and checks that each one message is reported exactly
// once; `connect` opens the connections, sends the messages and waits for every answer.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <evsel/evsel.hpp>

#include "descriptor_limit.hpp"
#include "number_argument.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using evsel::event;

constexpr std::size_t max_connecting = 256;

int fail(const std::string& why) {
  std::fprintf(stderr, "evsel-scale-peer: FAILED: %s\n", why.c_str());
  return 1;
}

void* index_context(std::size_t index) {
  return reinterpret_cast<void*>(index + 1);
}
std::size_t context_index(const void* context) {
  return reinterpret_cast<std::size_t>(context) - 1;
}

struct side {
  evsel::poller poller;
  std::vector<evsel::socket> sockets;
  std::vector<unsigned> reads;  // read reports per socket
  std::vector<evsel::ready_record> records = std::vector<evsel::ready_record>(1024);
  clock_type::time_point deadline;

  std::size_t wait(std::error_code& ec) {
    return poller.wait(records.data(), records.size(), 100ms, ec);
  }
  bool late() const { return clock_type::now() > deadline; }
};

int serve(std::size_t count, clock_type::time_point deadline) {
  side me;
  me.deadline = deadline;
  std::error_code ec;
  evsel::socket listener =
      evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp, ec);
  if (!ec) ec = listener.bind(evsel::endpoint::loopback(evsel::address_family::ipv4, 0));
  if (!ec) ec = listener.listen();
  if (!ec) ec = me.poller.add(listener, event::accept, nullptr);
  if (ec) return fail("listen: " + ec.message());
  std::printf("listening on %s\n", listener.local_endpoint(ec).to_string().c_str());
  std::fflush(stdout);
  me.sockets.reserve(count);
  me.reads.assign(count, 0);
  std::size_t reported = 0;
  const auto started = clock_type::now();
  while (reported < count) {
    if (me.late()) {
      // Tells a lost accept report (a connection is waiting) from a lost connection.
      const bool waiting = listener.accept(ec).is_open();
      return fail(std::to_string(me.sockets.size()) + " accepted, " + std::to_string(reported) +
                  " reported, when time ran out" +
                  (waiting ? " (a connection was waiting to be accepted)" : ""));
    }
    const std::size_t n = me.wait(ec);
    if (ec) return fail("wait: " + ec.message());
    for (std::size_t i = 0; i < n; ++i) {
      const evsel::ready_record& r = me.records[i];
      if (r.context == nullptr) {
        for (;;) {
          evsel::socket accepted = listener.accept(ec);
          if (ec == evsel::errc::would_block) break;
          if (ec) return fail("accept: " + ec.message());
          if (me.sockets.size() == count) return fail("more connections than expected");
          const std::size_t index = me.sockets.size();
          me.sockets.push_back(std::move(accepted));
          if ((ec = me.poller.add(me.sockets[index], event::read | event::close,
                                  index_context(index)))) {
            return fail("add connection " + std::to_string(index) + ": " + ec.message());
          }
        }
        continue;
      }
      const std::size_t index = context_index(r.context);
      if (!r.has(event::read))
        return fail("connection " + std::to_string(index) + ": " + evsel::to_string(r.occurred) +
                    " before its message");
      if (++me.reads[index] != 1)
        return fail("connection " + std::to_string(index) + " reported twice");
      char byte = 0;
      if (me.sockets[index].recv(&byte, 1, ec) != 1 || byte != 'm') {
        return fail("connection " + std::to_string(index) + ": no message: " + ec.message());
      }
      ++reported;
    }
  }
  const double seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  // Nothing more may come: every message was read, and read comes again only with data.
  const auto quiet_until = clock_type::now() + 300ms;
  while (clock_type::now() < quiet_until) {
    const std::size_t n = me.wait(ec);
    for (std::size_t i = 0; i < n; ++i) {
      if (me.records[i].context != nullptr) return fail("a record after every message was read");
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (me.sockets[i].send("k", 1, ec) != 1) return fail("answer: " + ec.message());
  }
  std::printf("serve: %zu connections on one poller (backend %s), each reported once, in %.2f s\n",
              count, evsel::poller::backend_name(), seconds);
  // Stay until the other side has its answers and closes (close on every socket).
  std::size_t closed = 0;
  while (closed < count && !me.late()) {
    const std::size_t n = me.wait(ec);
    for (std::size_t i = 0; i < n; ++i) {
      if (me.records[i].has(event::close)) ++closed;
    }
  }
  return closed == count ? 0 : fail("only " + std::to_string(closed) + " connections closed");
}

int connect_all(const evsel::endpoint& server, std::size_t count, clock_type::time_point deadline) {
  side me;
  me.deadline = deadline;
  me.sockets.resize(count);
  me.reads.assign(count, 0);
  std::size_t started = 0;
  std::size_t connected = 0;
  std::size_t answered = 0;
  std::error_code ec;
  while (answered < count) {
    if (me.late()) {
      return fail(std::to_string(connected) + " connected, " + std::to_string(answered) +
                  " answered, when time ran out");
    }
    while (started < count && started - connected < max_connecting) {
      evsel::socket& s = me.sockets[started];
      s = evsel::socket::open(server.family(), evsel::protocol::tcp, ec);
      if (!ec)
        ec = me.poller.add(s, event::connect | event::read | event::close, index_context(started));
      if (!ec) ec = s.connect(server);
      if (ec) return fail("connection " + std::to_string(started) + ": " + ec.message());
      ++started;
    }
    const std::size_t n = me.wait(ec);
    if (ec) return fail("wait: " + ec.message());
    for (std::size_t i = 0; i < n; ++i) {
      const evsel::ready_record& r = me.records[i];
      const std::size_t index = context_index(r.context);
      evsel::socket& s = me.sockets[index];
      if (r.has(event::connect)) {
        if (r.error(event::connect)) return fail("connect: " + r.error(event::connect).message());
        if (s.send("m", 1, ec) != 1) return fail("send: " + ec.message());
        ++connected;
      }
      if (r.has(event::read)) {
        char byte = 0;
        if (s.recv(&byte, 1, ec) != 1 || byte != 'k') return fail("no answer: " + ec.message());
        if (++me.reads[index] != 1) return fail("answered twice");
        ++answered;
      } else if (r.has(event::close)) {
        const std::error_code why = r.error(event::close);
        return fail("connection " + std::to_string(index) + " closed by the server (" +
                    (why ? why.message() : std::string("graceful")) + ", " +
                    evsel::to_string(r.occurred) + ")");
      }
    }
  }
  std::printf("connect: %zu connections, every one answered\n", count);
  return 0;
}

int usage() {
  std::fputs(
      "usage: evsel-scale-peer serve --connections N [--timeout SECONDS]\n"
      "       evsel-scale-peer connect ADDR:PORT --connections N [--timeout SECONDS]\n",
      stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string mode = argv[1];
  int next = 2;
  evsel::endpoint server;
  if (mode == "connect") {
    if (argc < 3) return usage();
    std::error_code ec;
    server = evsel::endpoint::parse(argv[next++], ec);
    if (ec) return usage();
  } else if (mode != "serve") {
    return usage();
  }
  unsigned long long count = 0;
  unsigned long long timeout = 300;
  for (; next + 1 < argc; next += 2) {
    const std::string option = argv[next];
    if (option == "--connections" &&
        evsel_examples::parse_number(argv[next + 1], 1, 1000000, count)) {
      continue;
    }
    if (option == "--timeout" && evsel_examples::parse_number(argv[next + 1], 1, 86400, timeout)) {
      continue;
    }
    return usage();
  }
  if (next != argc || count == 0) return usage();
  evsel_examples::raise_descriptor_limit(static_cast<std::size_t>(count) + 64);
  const auto deadline = clock_type::now() + std::chrono::seconds(timeout);
  try {
    return mode == "serve" ? serve(count, deadline) : connect_all(server, count, deadline);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
