// SPDX-License-Identifier: MIT
// evsel-bench-epoll-chat: the event loop: accepting, reading, writing and closing.
#include "epoll_chat_server.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace evsel_bench::chat {
namespace {

constexpr int max_events = 256;
constexpr int stop_check_ms = 200;
constexpr std::size_t read_size = 64 * 1024;

}  // namespace

chat_server::~chat_server() {
  for (const auto& s : sessions_) ::close(s->fd);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

bool chat_server::start(const socket_address& address) {
  buffer_.resize(read_size);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    std::fprintf(stderr, "%s: epoll_create1: %s\n", program, std::strerror(errno));
    return false;
  }
  epoll_data_t tag{};
  tag.ptr = nullptr;  // sessions carry their address
  return listener_.open(address, epoll_fd_, tag, program);
}

int chat_server::run() {
  epoll_event ready[max_events];
  while (!stop_requested()) {
    const int n =
        ::epoll_wait(epoll_fd_, ready, max_events, listener_.wait_timeout_ms(stop_check_ms));
    if (n < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "%s: epoll_wait: %s\n", program, std::strerror(errno));
      return 1;
    }
    for (int i = 0; i < n; ++i) {
      if (ready[i].data.ptr == nullptr) {
        accept_all();
        continue;
      }
      // A session closed earlier in this batch keeps its memory until the batch is done,
      // so its later records are still safe to look at.
      auto& s = *static_cast<session*>(ready[i].data.ptr);
      if (s.state != phase::closed) handle(s, ready[i].events);
    }
    finish_batch();
    expire_lingering();
    listener_.resume_if_due();
    closed_.clear();
  }
  std::fprintf(stderr, "%s: stopping, %zu connections open\n", program, sessions_.size());
  return 0;
}

void chat_server::accept_all() {
  for (int fd; (fd = listener_.accept_connection()) >= 0;) admit(fd);
}

void chat_server::admit(int fd) {
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);  // chat lines should not wait
  auto owned = std::make_unique<session>();
  session& s = *owned;
  s.fd = fd;
  epoll_event watch{};
  watch.events = EPOLLIN;
  watch.data.ptr = &s;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &watch) != 0) {
    ::close(fd);
    return;
  }
  s.watched = EPOLLIN;
  s.slot = sessions_.size();
  sessions_.push_back(std::move(owned));
  s.nick = next_guest_nick();
  s.key = s.nick;  // guest nicks are lower case already
  nicks_.emplace(s.key, &s);
  ++members_;
  say_to(s, "* welcome, you are " + s.nick + " (" + std::to_string(members_) + " online)\n");
  say_to_others(s, "* " + s.nick + " joined\n");
}

void chat_server::handle(session& s, std::uint32_t events) {
  if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !s.peer_done) read_from(s);
  if (s.state == phase::closed) return;
  // Once the client's end was read only EPOLLOUT is watched; an error or hang-up then shows
  // when sending.
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) flush(s);
}

void chat_server::read_from(session& s) {
  // Once per report: level-triggered epoll reports the socket again while data is left.
  const ssize_t n = ::recv(s.fd, buffer_.data(), buffer_.size(), 0);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      close_session(s, "connection reset");
    }
    return;
  }
  if (n == 0) {
    s.peer_done = true;
    leave(s, "connection closed");
    flush(s);  // closes it once its output is out; stops watching EPOLLIN meanwhile
    return;
  }
  // A leaving client's input is read only to see its end; one about to be cut off is not
  // served any more.
  if (s.state == phase::member && !s.doomed) {
    feed(s, std::string_view(buffer_.data(), static_cast<std::size_t>(n)));
  }
}

void chat_server::finish_batch() {
  // Closing a session tells the others, which queues output, which may doom another one:
  // go on until both lists stay empty. Indexes, not iterators: the lists grow meanwhile.
  while (!doomed_.empty() || !flush_list_.empty()) {
    for (std::size_t i = 0; i < doomed_.size(); ++i) {
      const doomed_session d = doomed_[i];
      if (d.tell) {
        cut_off(*d.who, d.why);
      } else {
        close_session(*d.who, d.why);
      }
    }
    doomed_.clear();
    for (std::size_t i = 0; i < flush_list_.size(); ++i) {
      session& s = *flush_list_[i];
      s.in_flush_list = false;
      if (s.state != phase::closed) flush(s);
    }
    flush_list_.clear();
  }
}

void chat_server::schedule_flush(session& s) {
  // While EPOLLOUT is watched the socket is full: its event sends the new output too.
  if (s.in_flush_list || (s.watched & EPOLLOUT)) return;
  s.in_flush_list = true;
  flush_list_.push_back(&s);
}

void chat_server::flush(session& s) {
  if (const int error = s.flush()) {
    close_session(s, std::string("connection lost: ") + std::strerror(error));
    return;
  }
  if (s.state == phase::leaving && s.unsent() == 0) {
    if (s.peer_done) {
      close_session(s, {});
      return;
    }
    if (!s.send_shut) {
      // Our FIN after the last line; the socket closes when the client's comes (or at
      // linger_until). Closing at once could reset the connection and lose that last line.
      s.send_shut = true;
      ::shutdown(s.fd, SHUT_WR);
    }
  }
  watch(s);
}

void chat_server::watch(session& s) {
  std::uint32_t wanted = 0;
  if (!s.peer_done) wanted |= EPOLLIN;  // an end of stream would be reported forever
  if (s.unsent() != 0) wanted |= EPOLLOUT;
  if (wanted == s.watched) return;
  epoll_event change{};
  change.events = wanted;
  change.data.ptr = &s;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, s.fd, &change) != 0) {
    close_session(s, std::string("epoll_ctl: ") + std::strerror(errno));
    return;
  }
  s.watched = wanted;
}

void chat_server::doom(session& s, std::string why, bool tell) {
  if (s.doomed || s.state == phase::closed) return;
  s.doomed = true;
  doomed_.push_back({&s, std::move(why), tell});
}

void chat_server::cut_off(session& s, const std::string& why) {
  if (s.state == phase::closed) return;
  leave(s, why);
  // What it has not taken yet is dropped; it gets the reason, our FIN after it, and
  // linger_time to read them before the connection is closed anyway.
  s.drop_unsent_lines();
  s.out.queue_line("! disconnected: " + why);
  schedule_flush(s);
}

void chat_server::close_session(session& s, std::string_view why) {
  if (s.state == phase::closed) return;
  leave(s, why);
  ::close(s.fd);  // also leaves the epoll set: nothing else holds the descriptor
  s.state = phase::closed;
  // Out of the list at once (the last one takes its slot), freed after the batch.
  const std::size_t slot = s.slot;
  closed_.push_back(std::move(sessions_[slot]));
  if (slot + 1 != sessions_.size()) {
    sessions_[slot] = std::move(sessions_.back());
    sessions_[slot]->slot = slot;
  }
  sessions_.pop_back();
}

void chat_server::expire_lingering() {
  if (lingering_.empty()) return;
  const auto now = clock::now();
  auto gone = std::remove_if(lingering_.begin(), lingering_.end(), [this, now](session* s) {
    if (s->state == phase::leaving && now >= s->linger_until) close_session(*s, {});
    return s->state == phase::closed;
  });
  lingering_.erase(gone, lingering_.end());
}

}  // namespace evsel_bench::chat
