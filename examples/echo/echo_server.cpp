// SPDX-License-Identifier: MIT
// evsel: echo server on the public API: the write-readiness model used the way it is meant.
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <evsel/evsel.hpp>

#include "number_argument.hpp"
#include "stop_signal.hpp"

namespace {

// A peer that sends without reading gets no more reading from us past this much queued:
// its input then waits in the kernel (TCP flow control), not in our memory.
constexpr std::size_t max_unsent = 1024 * 1024;

struct connection {
  evsel::socket socket;
  std::string unsent;  // unsent[sent..] is what the peer sent and we could not send back yet
  std::size_t sent = 0;
  bool peer_closed = false;

  std::size_t queued() const { return unsent.size() - sent; }
};

class echo_server {
 public:
  echo_server(evsel::socket listener, std::chrono::milliseconds idle_timeout)
      : listener_(std::move(listener)), idle_timeout_(idle_timeout) {}

  int run() {
    if (report(poller_.add(listener_, evsel::event::accept, &listener_), "add listener")) return 1;
    // A stop signal sets this event, which ends the wait: no timeout, no periodic wake.
    evsel::user_event& stop = evsel_examples::stop_event();
    if (report(poller_.add(stop, &stop), "add the stop event")) return 1;
    std::vector<evsel::ready_record> ready(256);
    while (!stop.is_set()) {
      std::error_code ec;
      const std::size_t n = poller_.wait(ready.data(), ready.size(), evsel::poller::infinite, ec);
      if (report(ec, "wait")) return 1;
      for (std::size_t i = 0; i < n; ++i) {
        if (ready[i].context == &stop) continue;
        if (ready[i].context == &listener_) {
          accept_all();
        } else {
          serve(*static_cast<connection*>(ready[i].context), ready[i]);
        }
      }
    }
    std::fprintf(stderr, "evsel-echo-server: stopping, %zu connections open\n", clients_.size());
    return 0;
  }

 private:
  static bool report(const std::error_code& ec, const char* what) {
    if (ec) std::fprintf(stderr, "evsel-echo-server: %s: %s\n", what, ec.message().c_str());
    return static_cast<bool>(ec);
  }

  void accept_all() {
    for (;;) {
      std::error_code ec;
      evsel::endpoint peer;
      evsel::socket s = listener_.accept(peer, ec);
      if (ec == evsel::errc::would_block) return;  // accept is re-enabled: it will come again
      if (report(ec, "accept")) return;
      auto c = std::make_unique<connection>();
      c->socket = std::move(s);
      const auto mask = evsel::event::read | evsel::event::write | evsel::event::close;
      if (report(poller_.add(c->socket, mask, c.get()), "add client")) continue;
      // Restarted by every recv and send that moves data, at the cost of reading the clock.
      if (idle_timeout_.count() != 0 &&
          report(poller_.set_idle_timeout(c->socket, idle_timeout_), "idle timeout")) {
        continue;
      }
      connection* key = c.get();
      clients_.emplace(key, std::move(c));
    }
  }

  void serve(connection& c, const evsel::network_events& events) {
    // On close too: the close event only says the peer is done sending, and evsel reports
    // it once nothing is left unread, so this reads whatever came just before it.
    const bool input = events.has(evsel::event::read | evsel::event::close);
    if (events.has(evsel::event::close)) c.peer_closed = true;
    // Idle for the whole period: nothing arrived and nothing could be sent back.
    if (events.has(evsel::event::timeout) && !input) {
      drop(c);
      return;
    }
    // Queued bytes first, so that the echo keeps its order; a write event means room.
    const bool was_full = c.queued() >= max_unsent;
    flush(c);
    // Reading paused while the queue was full: read is still re-enabled from our last recv
    // and would not come again by itself, so read now that there is room.
    if (input || (was_full && c.queued() < max_unsent)) receive(c);
    if (c.peer_closed && c.queued() == 0) drop(c);
  }

  // Reads until the socket's queue is empty (or ours is full) and sends each piece straight
  // back from the shared buffer; only what does not fit is copied into the connection.
  void receive(connection& c) {
    while (c.queued() < max_unsent) {
      std::error_code ec;
      const std::size_t n = c.socket.recv(buffer_.data(), buffer_.size(), ec);
      if (ec || n == 0) {
        if (ec && ec != evsel::errc::would_block) c.peer_closed = true;
        return;
      }
      if (c.queued() == 0) {
        const std::size_t sent = send_some(c, buffer_.data(), n);
        c.unsent.assign(buffer_.data() + sent, n - sent);
        c.sent = 0;
      } else {
        c.unsent.append(buffer_.data(), n);
      }
      // A read that did not fill the buffer emptied the socket's queue: asking again now
      // would only be told would-block, and read is re-enabled either way.
      if (n < buffer_.size()) return;
    }
  }

  void flush(connection& c) {
    c.sent += send_some(c, c.unsent.data() + c.sent, c.queued());
    if (c.queued() == 0) {
      c.sent = 0;
      c.unsent.clear();
      // A big queue's memory goes back once drained; a small one is kept for next time.
      if (c.unsent.capacity() > 64 * 1024) c.unsent.shrink_to_fit();
    } else if (c.sent >= c.unsent.size() / 2) {
      // A queue that never quite drains would otherwise keep everything ever sent from it:
      // dropping the sent half keeps memory within twice the queue, at little copying.
      c.unsent.erase(0, c.sent);
      c.sent = 0;
    }
  }

  // Sends until done or would-block (write comes when there is room again); returns how
  // much went. A failed send ends the connection: what it could not take is dropped.
  std::size_t send_some(connection& c, const char* data, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
      std::error_code ec;
      const std::size_t n = c.socket.send(data + done, size - done, ec);
      if (ec) {
        if (ec == evsel::errc::would_block) break;
        c.peer_closed = true;
        return size;
      }
      done += n;
    }
    return done;
  }

  void drop(connection& c) { clients_.erase(&c); }  // closing removes it from the poller

  evsel::poller poller_;
  evsel::socket listener_;
  std::chrono::milliseconds idle_timeout_;  // zero: none
  std::map<connection*, std::unique_ptr<connection>> clients_;
  std::vector<char> buffer_ = std::vector<char>(64 * 1024);  // one read buffer for all
};

int usage(std::FILE* to) {
  std::fprintf(to,
               "usage: evsel-echo-server [--listen ADDR:PORT] [--idle-timeout SECONDS]\n"
               "  Echoes every byte back. Default address 127.0.0.1:7007; IPv6 as [::1]:7007.\n"
               "  --idle-timeout: close a connection that moved no data for that long (0: never,\n"
               "  the default).\n");
  return to == stdout ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string address = "127.0.0.1:7007";
  unsigned long long idle_seconds = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0) return usage(stdout);
    if (std::strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
      address = argv[++i];
    } else if (std::strcmp(argv[i], "--idle-timeout") == 0 && i + 1 < argc) {
      if (!evsel_examples::parse_number(argv[++i], 0, 86400, idle_seconds)) {
        std::fprintf(stderr, "evsel-echo-server: --idle-timeout wants 0 to 86400 seconds\n");
        return 2;
      }
    } else {
      return usage(stderr);
    }
  }
  std::error_code ec;
  const evsel::endpoint local = evsel::endpoint::parse(address, ec);
  if (ec) {
    std::fprintf(stderr, "evsel-echo-server: bad --listen value \"%s\"\n", address.c_str());
    return 2;
  }
  evsel::socket listener = evsel::socket::open(local.family(), evsel::protocol::tcp, ec);
  if (!ec) ec = listener.set_reuse_address(true);
  if (!ec) ec = listener.bind(local);
  if (!ec) ec = listener.listen();
  if (ec) {
    std::fprintf(stderr, "evsel-echo-server: cannot listen on %s: %s\n", address.c_str(),
                 ec.message().c_str());
    return 1;
  }
  evsel_examples::watch_stop_signals();
  std::fprintf(stderr, "evsel-echo-server: listening on %s (backend %s)\n",
               local.to_string().c_str(), evsel::poller::backend_name());
  return echo_server(std::move(listener), std::chrono::seconds(idle_seconds)).run();
}
