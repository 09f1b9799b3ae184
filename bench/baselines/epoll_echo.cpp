// SPDX-License-Identifier: MIT
// evsel-bench-epoll-echo: the echo server written directly on level-triggered epoll, for
// comparison with evsel-echo-server.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "baseline_common.hpp"
#include "epoll_listener.hpp"

namespace {

constexpr const char* program = "evsel-bench-epoll-echo";
constexpr std::size_t read_size = 64 * 1024;
// A peer that sends without reading gets no more than this much of its echo queued here:
// its input waits in the kernel instead, and TCP flow control stops it.
constexpr std::size_t max_unsent = 1024 * 1024;
constexpr int max_events = 256;
constexpr int stop_check_ms = 200;

// Indexed by descriptor. Idle, a connection owns no heap memory: its queue is allocated only
// when a send falls short, and given back once it drains.
struct connection {
  std::string unsent;  // unsent[sent..] is echoed data the socket did not take yet
  std::size_t sent = 0;
  std::uint32_t watched = 0;  // the epoll events asked for; 0 while the slot is free
  bool peer_done = false;     // end of stream read: close once the queue is out

  std::size_t queued() const noexcept { return unsent.size() - sent; }
};

class echo_server {
 public:
  int run(const evsel_bench::socket_address& address) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_data_t tag{};
    tag.fd = -1;  // client events carry their descriptor, never -1
    if (epoll_fd_ < 0 || !listener_.open(address, epoll_fd_, tag, program)) return 1;
    evsel_bench::watch_stop_signals();
    std::fprintf(stderr, "%s: listening on %s\n", program, listener_.local_address().c_str());
    epoll_event ready[max_events];
    while (!evsel_bench::stop_requested()) {
      const int n =
          ::epoll_wait(epoll_fd_, ready, max_events, listener_.wait_timeout_ms(stop_check_ms));
      if (n < 0 && errno != EINTR) {
        std::fprintf(stderr, "%s: epoll_wait: %s\n", program, std::strerror(errno));
        return 1;
      }
      // epoll reports a descriptor at most once per wait, so one closed (and perhaps reused
      // by an accept) while this batch is handled has no later record in it.
      for (int i = 0; i < n; ++i) {
        if (ready[i].data.fd < 0) {
          accept_all();
        } else {
          serve(ready[i].data.fd, ready[i].events);
        }
      }
      listener_.resume_if_due();
    }
    std::fprintf(stderr, "%s: stopping, %zu connections open\n", program, open_);
    for (std::size_t fd = 0; fd < connections_.size(); ++fd) {
      if (connections_[fd].watched != 0) ::close(static_cast<int>(fd));
    }
    ::close(epoll_fd_);
    return 0;
  }

 private:
  void accept_all() {
    for (int fd; (fd = listener_.accept_connection()) >= 0;) {
      if (static_cast<std::size_t>(fd) >= connections_.size()) connections_.resize(fd + 1);
      epoll_event watch{};
      watch.events = EPOLLIN;
      watch.data.fd = fd;
      if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &watch) != 0) {
        ::close(fd);
        continue;
      }
      connections_[fd].watched = EPOLLIN;
      ++open_;
    }
  }

  void serve(int fd, std::uint32_t events) {
    connection& c = connections_[fd];
    // Once per report: level-triggered epoll reports the socket again while data is left.
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && (c.watched & EPOLLIN) && !receive(fd, c)) {
      return drop(fd);
    }
    if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) && c.queued() != 0 && !flush(fd, c)) {
      return drop(fd);
    }
    if (c.peer_done && c.queued() == 0) return drop(fd);
    watch(fd, c);
  }

  // False when the connection is to be closed at once.
  bool receive(int fd, connection& c) {
    const ssize_t n = ::recv(fd, buffer_.data(), buffer_.size(), 0);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (n == 0) {
      c.peer_done = true;
      return true;
    }
    const auto size = static_cast<std::size_t>(n);
    if (c.queued() != 0) {  // behind what is already waiting, in order
      c.unsent.append(buffer_.data(), size);
      return true;
    }
    const ssize_t sent = ::send(fd, buffer_.data(), size, MSG_NOSIGNAL);
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
    const std::size_t done = sent < 0 ? 0 : static_cast<std::size_t>(sent);
    if (done < size) c.unsent.append(buffer_.data() + done, size - done);
    return true;
  }

  bool flush(int fd, connection& c) {
    while (c.queued() != 0) {
      const ssize_t n = ::send(fd, c.unsent.data() + c.sent, c.queued(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == EINTR) continue;
        return false;
      }
      c.sent += static_cast<std::size_t>(n);
    }
    evsel_bench::settle_queue(c.unsent, c.sent);
    return true;
  }

  // Reads while the queue is short and the peer may send more; writes while it is not empty.
  void watch(int fd, connection& c) {
    std::uint32_t wanted = 0;
    if (!c.peer_done && c.queued() < max_unsent) wanted |= EPOLLIN;
    if (c.queued() != 0) wanted |= EPOLLOUT;
    if (wanted == c.watched) return;
    epoll_event change{};
    change.events = wanted;
    change.data.fd = fd;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &change) != 0) return drop(fd);
    c.watched = wanted;
  }

  void drop(int fd) {
    ::close(fd);  // also leaves the epoll set: nothing else holds the descriptor
    connections_[fd] = connection{};
    --open_;
  }

  int epoll_fd_ = -1;
  evsel_bench::epoll_listener listener_;
  std::vector<connection> connections_;
  std::size_t open_ = 0;
  std::vector<char> buffer_ = std::vector<char>(read_size);  // one read buffer for all
};

}  // namespace

int main(int argc, char** argv) {
  evsel_bench::socket_address address;
  const int status =
      evsel_bench::read_command_line(argc, argv, program,
                                     "Echoes every byte back: raw epoll, one thread, for "
                                     "comparison with evsel-echo-server.",
                                     "127.0.0.1:7008", address);
  if (status >= 0) return status;
  return echo_server().run(address);
}
