// SPDX-License-Identifier: MIT
// evsel-bench-epoll-chat: one chat room on level-triggered epoll and one thread.
//
// It speaks the part of evsel-chat-server's protocol that evsel-chat-load exercises, so
// that the load test drives both alike: a welcome line and join, rename and leave notices
// ("* ..."), "/nick NAME" confirmed with "* you are now NAME", and any other line relayed
// to everyone else as "<nick> text". Limits are evsel-chat-server's defaults: lines of at
// most 1,024 bytes, and a client more than 1 MiB of output behind is cut off with
// "! disconnected: too slow: ...". Left out, since the load test does not use them: /who,
// /me, /msg, /quit, /help, the client limit, sanitizing text beyond dropping CR, and the
// goodbye line on shutdown.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "baseline_common.hpp"
#include "epoll_chat_session.hpp"
#include "epoll_listener.hpp"

namespace evsel_bench::chat {

inline constexpr const char* program = "evsel-bench-epoll-chat";
// evsel-chat-server's defaults: bytes of one line's content, and of a client's unsent output.
inline constexpr std::size_t max_line = 1024;
inline constexpr std::size_t max_queue = 1024 * 1024;

class chat_server {
 public:
  chat_server() = default;
  chat_server(const chat_server&) = delete;
  chat_server& operator=(const chat_server&) = delete;
  ~chat_server();

  // Binds and listens; false, with the reason on stderr, if it cannot.
  bool start(const socket_address& address);
  std::string local_address() const { return listener_.local_address(); }
  // Serves until SIGINT or SIGTERM, then closes every connection. Returns the exit status.
  int run();

 private:
  using clock = std::chrono::steady_clock;
  // How long a leaving client gets to take its last lines and close its side.
  static constexpr std::chrono::seconds linger_time{5};

  // Why a session is closed at the end of the batch, and whether it is told first.
  struct doomed_session {
    session* who;
    std::string why;
    bool tell;  // cut off with a last "! disconnected: ..." line, or closed at once
  };

  // The event loop (epoll_chat_server.cpp).
  void accept_all();
  void admit(int fd);
  void handle(session& s, std::uint32_t events);
  void read_from(session& s);
  void finish_batch();
  void schedule_flush(session& s);
  void flush(session& s);
  void watch(session& s);
  void doom(session& s, std::string why, bool tell);
  void cut_off(session& s, const std::string& why);
  void close_session(session& s, std::string_view why);
  void expire_lingering();

  // What lines mean (epoll_chat_lines.cpp).
  void feed(session& s, std::string_view input);
  void hold_partial_line(session& s, std::string_view start);
  void on_framed_line(session& s, std::string_view raw);
  void on_line(session& s, std::string_view raw);
  void relay(session& from, std::string_view text);
  void rename(session& s, std::string_view name);
  void say_to(session& to, std::string_view line);  // `line` ends with '\n'
  void say_to_others(const session& from, std::string_view line);
  void leave(session& s, std::string_view reason);
  std::string next_guest_nick();

  int epoll_fd_ = -1;
  epoll_listener listener_;
  std::vector<std::unique_ptr<session>> sessions_;   // open ones, members or leaving
  std::vector<std::unique_ptr<session>> closed_;     // freed at the end of this batch
  std::unordered_map<std::string, session*> nicks_;  // key -> member
  std::size_t members_ = 0;
  std::vector<session*> flush_list_;  // sessions with new output this batch
  std::vector<doomed_session> doomed_;
  std::vector<session*> lingering_;  // leaving, with a deadline
  std::vector<char> buffer_;         // one receive buffer for every client
  std::string line_;                 // where a relayed line is formatted, once for all
  unsigned long long guests_ = 0;
};

}  // namespace evsel_bench::chat
