// SPDX-License-Identifier: MIT
// evsel chat server: one room of line-based clients on one evsel::poller, one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include <evsel/evsel.hpp>

#include "address_limits.hpp"
#include "command.hpp"
#include "membership_notices.hpp"
#include "memory_budget.hpp"
#include "server_log.hpp"
#include "server_options.hpp"
#include "session.hpp"

namespace evsel::chat {

class chat_server {
 public:
  chat_server(const server_options& options, server_log& log);

  // Opens the listening socket.
  std::error_code start();
  endpoint local_endpoint() const;

  // Serves until `stop` is set (it is registered with the server's poller for the run, so
  // the server sleeps in its wait until something happens), then tells everyone the server
  // is shutting down, lets that line go out (up to a few seconds) and closes every
  // connection.
  std::error_code run(user_event& stop);

 private:
  using clock = std::chrono::steady_clock;
  // How long a leaving client gets to take its last lines and close its side.
  static constexpr std::chrono::seconds linger_time{5};
  // The same for a client turned away because the room is full: short, so that a flood of
  // connections cannot hold many descriptors.
  static constexpr std::chrono::seconds rejected_linger_time{2};
  // The chores (summaries, refusals, pruning, memory) come this long after the first thing
  // that needs them: they are once-a-second work, and nothing wakes the server for them
  // while there is none.
  static constexpr std::chrono::seconds chores_delay{1};
  // SO_SNDBUF and SO_RCVBUF for every client: what one client can make the kernel hold is
  // capped, instead of growing to tcp_wmem's maximum (4 MiB on Linux) for a client that does
  // not read. Chat lines are small; the rest waits in the client's queue, where it counts.
  static constexpr int client_socket_buffer = 32 * 1024;
  // The most one send call hands the OS, so that a client's backlog waits in its queue,
  // where --max-queue and --max-memory see it. Windows and Wine 10 (not Wine 8.0: W14 in
  // docs/semantics.md) take the whole of a non-blocking send that the socket buffer has room
  // for only in part and report it all sent; the rest waits outside the socket buffer until
  // the peer reads, on Windows in kernel memory, under Wine 10 in the process's own (ntdll
  // copies it and queues it as an asynchronous write; later sends fail with would-block
  // until it has gone). Handed its whole queue in one call, the OS would hold all of it for
  // a client that falls behind, beyond SO_SNDBUF and unseen by the budget, which takes the
  // queue for sent and reads on: under Wine 10 a burst to 12 readers took the server to
  // 105-115 MiB of a 48 MiB --max-memory. In pieces, less than one piece per client waits
  // beyond its socket buffer. A piece is one socket buffer, the size asked for: on Windows
  // the buffer and that rest stay within the doubled size charged for a full buffer; under
  // Wine 10 (Linux doubles the buffer, the process holds the rest) up to a piece per client
  // more, which the share kept for unseen memory covers (charging it cost the readers a
  // quarter of their throughput while 300 clients did not read, for no less memory). On
  // Linux pieces keep a reader's connection moving as well: a whole queue went out as one
  // 64 KiB loopback segment, which filled the socket buffer and waited for the reader's
  // delayed ACK (40 ms), and that burst ran 5 to 29 times slower. Smaller pieces cost
  // throughput there (more calls and loopback segments: 16 KiB ones 10-20% with 4 clients of
  // 800-byte lines, window 20).
  static constexpr std::size_t max_send_piece = client_socket_buffer;
  // What a session costs beyond its buffers (the session, its map node, evsel's, the
  // backend's and the OS's state for the socket), counted for every connection: measured
  // as resident memory per idle connection, 1.4 KiB with the Asio backend on Linux, 18 KiB
  // with the native backend under Wine (an event, a thread-pool wait, Winsock's state).
  static std::size_t measured_session_overhead() noexcept;
  // The share of the budget kept for what the charges cannot see (memory_budget): a sixth
  // with the Asio backend, where 1,000 clients that never read took the process up to 14%
  // past its charges at their peak; a quarter with the native one, where under Wine the
  // process held up to 12% more than its charges (the thread pool starts workers under
  // load, about 1 MiB each).
  static std::size_t unseen_memory_share() noexcept;

  // The contexts of the server's own records. A session's is its id, counted up from 1, which
  // never comes near the top of the range.
  static constexpr session_id listener_context = 0;
  static constexpr session_id stop_context = ~session_id{0};
  static constexpr session_id chores_context = stop_context - 1;

  // Why a session is closed at the end of the batch, and whether it is told first.
  struct doomed_session {
    session_id who;
    std::string why;
    bool tell;  // cut off with a last "! disconnected: ..." line, or closed at once
  };

  // The event loop (chat_server.cpp).
  std::error_code serve_once(std::chrono::milliseconds timeout);
  void handle(session& s, const network_events& events);
  void accept_all();
  void read_from(session& s);
  std::size_t read_size(const session& s) const noexcept;
  std::error_code send_queued(session& s);
  void finish_batch();
  void flush(session& s);
  void schedule_flush(session& s);
  void doom(session& s, std::string why, bool tell);
  void cut_off(session& s, const std::string& why);
  void close_session(session& s, std::string_view why);
  void free_closed_sessions();
  session* find(session_id id);
  void note_partial_line(session& s, bool completed_one);
  bool take_line_token(session& s);
  void shut_down();

  // Who gets in (chat_admission.cpp).
  void admit(socket connection, const endpoint& peer);
  void configure(session& s);
  void turn_away(socket& connection, std::string_view line);
  void log_refusals();

  // What is due at a time: each session's deadline on its socket, and the chores
  // (chat_deadlines.cpp).
  clock::time_point next_deadline(const session& s) const noexcept;
  void plan_deadline(session& s);
  void on_deadline(session& s);
  void need_chores();
  void do_chores();

  // The memory budget (chat_memory.cpp).
  void recharge(session& s);
  void check_memory();
  void shed_memory();
  void pause_reading(session& s);
  void resume_reading();
  bool expendable(const session& s, clock::time_point now) const noexcept;
  std::size_t releasable(const session& s) const noexcept;

  // What lines mean (chat_commands.cpp).
  void on_line(session& s, std::string_view raw);
  void on_command(session& s, const command& c);
  void rename(session& s, const std::string& name);
  void say_to(session& to, std::string_view line);
  void say_to_others(const session& from, std::string_view line);
  void leave(session& s, std::string_view reason, std::string_view goodbye);
  std::string next_guest_nick();
  std::string who_line() const;
  static constexpr std::size_t max_listed_nicks = 100;

  server_options options_;
  server_log& log_;
  poller poller_;
  socket listener_;
  // The one owner of every session, in order of arrival. Everything else names sessions by
  // id and looks them up, so nothing can point at a session once it is freed.
  std::map<session_id, session> sessions_;
  session_id last_id_ = 0;
  std::size_t members_ = 0;
  std::unordered_map<std::string, session_id> nicks_;  // nick_key -> member
  std::vector<session_id> flush_list_;                 // sessions with new output this batch
  std::vector<doomed_session> doomed_;
  std::vector<session_id> closed_;  // freed at the end of this batch
  std::vector<ready_record> records_;
  std::vector<char> buffer_;  // one receive buffer for every client
  unsigned long long guests_ = 0;
  bool stop_asked_ = false;  // the stop event was recorded
  bool stopping_ = false;    // shut_down() has begun
  // One-shot, armed by need_chores() while something waits for the chores.
  timer chores_;
  bool chores_armed_ = false;

  address_limits addresses_;
  std::size_t turned_away_for_memory_ = 0;  // since the last log_refusals()
  membership_notices notices_;
  memory_budget budget_;
  // What a client's full kernel buffers hold, as the OS reports the capped sizes.
  std::size_t kernel_send_buffer_ = 0;
  std::size_t kernel_receive_buffer_ = 0;
  // measured_session_overhead(), asked once: every charge adds it.
  const std::size_t session_overhead_ = measured_session_overhead();
  // Shedding that freed too little is not tried again before usage reaches this (or the next
  // chores), so that a budget spent on small holders does not cost a scan per line.
  std::size_t shed_again_at_ = 0;
  // Members whose input waits until the budget has room again, in the order they stopped.
  std::vector<session_id> paused_;
};

}  // namespace evsel::chat
