// SPDX-License-Identifier: MIT
// evsel chat server: the event loop: accepting, reading, writing and closing.
#include "chat_server.hpp"

#include <algorithm>

namespace evsel::chat {
namespace {

using namespace std::chrono_literals;

// How long the server waits for its goodbye line to reach everyone when it stops.
constexpr auto shutdown_grace = 3s;
// Per turn, so that one flooding client cannot hold the loop: read and accept are recorded
// again while more is waiting (the re-enabling calls), so the rest comes on the next wait.
constexpr int max_reads_per_turn = 4;
constexpr int max_accepts_per_turn = 256;

std::chrono::milliseconds whole_ms(std::chrono::steady_clock::duration d) {
  return std::chrono::ceil<std::chrono::milliseconds>(d);
}

// How a connection that failed is named in the log and to the others.
std::string lost(const std::error_code& ec) {
  if (ec == errc::connection_reset) return "connection reset";
  return "connection lost: " + ec.message();
}

}  // namespace

chat_server::chat_server(const server_options& options, server_log& log)
    : options_(options),
      log_(log),
      records_(256),
      buffer_(64 * 1024),
      addresses_({options.max_per_address, options.max_connect_rate}),
      notices_(options.max_notices),
      budget_(options.max_memory, unseen_memory_share()) {}

std::error_code chat_server::start() {
  std::error_code ec;
  listener_ = socket::open(options_.listen.family(), protocol::tcp, ec);
  if (!ec) ec = listener_.set_reuse_address(true);
  // Accepted sockets start with the listener's buffer sizes (configure() sets them again,
  // for the systems that do not pass them on); the window offered in the handshake fits.
  if (!ec) ec = listener_.set_send_buffer_size(client_socket_buffer);
  if (!ec) ec = listener_.set_receive_buffer_size(client_socket_buffer);
  // Linux doubles the sizes asked for (for its bookkeeping) and reports the doubled ones;
  // Wine reports what was asked while the Linux under it doubles it; Windows holds what was
  // asked. The larger figure is charged everywhere.
  constexpr auto doubled = static_cast<std::size_t>(2 * client_socket_buffer);
  if (!ec) {
    kernel_send_buffer_ =
        std::max(doubled, static_cast<std::size_t>(listener_.send_buffer_size(ec)));
  }
  if (!ec) {
    kernel_receive_buffer_ =
        std::max(doubled, static_cast<std::size_t>(listener_.receive_buffer_size(ec)));
  }
  if (!ec) ec = listener_.bind(options_.listen);
  if (!ec) ec = listener_.listen();
  if (!ec) ec = poller_.add(listener_, event::accept, reinterpret_cast<void*>(listener_context));
  if (!ec) ec = poller_.add(chores_, reinterpret_cast<void*>(chores_context));
  if (ec) {
    listener_.close();
    return ec;
  }
  log_.note("memory budget " + std::to_string(budget_.limit() >> 20) + " MiB; a client may " +
            "fill " + std::to_string(kernel_send_buffer_ >> 10) +
            " KiB of kernel buffer and queue " + std::to_string(options_.max_queue >> 10) + " KiB");
  return {};
}

endpoint chat_server::local_endpoint() const {
  std::error_code ec;
  return listener_.local_endpoint(ec);
}

std::error_code chat_server::run(user_event& stop) {
  // No timeout while serving: every deadline is a record of the wait (a session's socket
  // deadline, the chores timer, the stop event), so an idle server sleeps until one comes.
  if (const std::error_code ec = poller_.add(stop, reinterpret_cast<void*>(stop_context))) {
    return ec;
  }
  std::error_code failure;
  while (!stop_asked_ && !failure) failure = serve_once(poller::infinite);
  (void)poller_.remove(stop);
  if (failure) return failure;
  shut_down();
  const auto give_up = clock::now() + shutdown_grace;
  while (!sessions_.empty() && clock::now() < give_up) {
    if (const std::error_code ec = serve_once(whole_ms(give_up - clock::now()))) return ec;
  }
  for (auto& entry : sessions_) entry.second.connection.close();
  sessions_.clear();
  return {};
}

std::error_code chat_server::serve_once(std::chrono::milliseconds timeout) {
  std::error_code ec;
  const std::size_t n = poller_.wait(records_.data(), records_.size(), timeout, ec);
  if (ec) return ec;
  bool accept_ready = false;
  bool chores_due = false;
  for (std::size_t i = 0; i < n; ++i) {
    const auto context = reinterpret_cast<session_id>(records_[i].context);
    switch (context) {
      case listener_context:
        accept_ready = true;
        continue;
      case stop_context:
        stop_asked_ = true;
        continue;
      case chores_context:
        chores_due = true;
        continue;
      default:
        break;
    }
    // Closing a socket takes it off the poller, so no record names a session freed in an
    // earlier batch; one closed in this batch is still found, as closed.
    session* s = find(context);
    if (s != nullptr && s->phase != session_phase::closed) handle(*s, records_[i]);
  }
  // Newcomers last, so that the places this batch's leavers and cut-off clients free are
  // theirs: accepted when the listener's record came up, they could be told the room was
  // full by a room that the closes after that record were about to empty.
  finish_batch();
  if (accept_ready && !stop_asked_) accept_all();
  if (chores_due) do_chores();
  finish_batch();
  resume_reading();
  free_closed_sessions();
  return {};
}

session* chat_server::find(session_id id) {
  const auto found = sessions_.find(id);
  return found == sessions_.end() ? nullptr : &found->second;
}

void chat_server::free_closed_sessions() {
  for (const session_id id : closed_) sessions_.erase(id);
  closed_.clear();
}

void chat_server::handle(session& s, const network_events& events) {
  // Read first, also on close: evsel reports close only once nothing is left unread, and a
  // reset's error comes from recv as well.
  if (events.has(event::read | event::close)) read_from(s);
  if (s.phase == session_phase::closed) return;
  if (events.has(event::close)) {
    if (const std::error_code ec = events.error(event::close)) {
      close_session(s, lost(ec));
      return;
    }
  }
  if (events.has(event::write)) schedule_flush(s);
  // After the reading: a line finished meanwhile is not late.
  if (events.has(event::timeout)) on_deadline(s);
}

// How much one recv may take from a member: each byte may be queued once for every other
// member, so while memory is short the reads shrink, and with no room left they stop
// (resume_reading goes on once there is): a burst waits in the kernel, where TCP slows the
// sender down, instead of in every reader's queue, where it would have to be shed. 0: none.
std::size_t chat_server::read_size(const session& s) const noexcept {
  if (s.phase != session_phase::member || s.doomed || members_ <= 1) return buffer_.size();
  return std::min(budget_.room() / (2 * members_), buffer_.size());
}

void chat_server::read_from(session& s) {
  // Until would-block says otherwise, more of its input may wait in the kernel.
  s.input_waiting = true;
  for (int turn = 0; turn < max_reads_per_turn; ++turn) {
    const std::size_t wanted = read_size(s);
    if (wanted == 0) {
      pause_reading(s);
      return;
    }
    std::error_code ec;
    const std::size_t n = s.connection.recv(buffer_.data(), wanted, ec);
    if (ec == errc::would_block) {
      s.input_waiting = false;
      recharge(s);
      return;
    }
    if (ec) {
      close_session(s, lost(ec));
      return;
    }
    if (n == 0) {
      s.peer_done = true;
      s.input_waiting = false;
      recharge(s);
      if (s.phase == session_phase::member) leave(s, "connection closed", {});
      schedule_flush(s);  // closes it once its output is out
      return;
    }
    // A leaving client's input is read only to see its end; one about to be cut off is
    // not served any more.
    if (s.phase != session_phase::member || s.doomed) continue;
    bool completed = false;
    s.framer.feed(std::string_view(buffer_.data(), n), [this, &s, &completed](const frame& f) {
      completed = true;
      if (s.phase != session_phase::member || s.doomed) return;  // quit or cut off already
      if (!take_line_token(s)) {
        doom(s, "flooding (more than " + std::to_string(options_.max_rate) + " lines a second)",
             true);
        return;
      }
      if (f.kind == frame_kind::overlong) {
        say_to(s, "! line too long (at most " + std::to_string(options_.max_line) +
                      " bytes), ignored");
      } else {
        on_line(s, f.text);
      }
    });
    if (completed) s.spoke = true;
    note_partial_line(s, completed);
    recharge(s);
    check_memory();
    // Read less than it could: the rest waits for the next turn (a recv that leaves data
    // queued brings read again), after this batch's output went to the kernel.
    if (wanted < buffer_.size()) return;
  }
}

bool chat_server::take_line_token(session& s) {
  return options_.max_rate == 0 || s.line_allowance.take(clock::now());
}

void chat_server::note_partial_line(session& s, bool completed_one) {
  const bool partial = s.framer.pending() != 0 || s.framer.skipping();
  if (!partial) {
    s.line_open = false;
  } else if (!s.line_open || completed_one) {
    s.line_open = true;
    s.line_started = clock::now();
  }
  plan_deadline(s);  // the line's, or, once it spoke, none for its first line
}

void chat_server::accept_all() {
  for (int turn = 0; turn < max_accepts_per_turn; ++turn) {
    std::error_code ec;
    endpoint peer;
    socket connection = listener_.accept(peer, ec);
    if (ec == errc::would_block) return;
    if (ec) {
      // Out of descriptors, say: evsel rests the listener (50 ms, doubling up to 1 s) and
      // reports it again by itself, so this comes at most once per rest.
      log_.note("error: accept: " + ec.message());
      return;
    }
    admit(std::move(connection), peer);
  }
}

void chat_server::finish_batch() {
  // Closing a session tells the others, which queues output, which may doom another one:
  // go on until both lists stay empty. Indexes, not iterators: the lists grow meanwhile.
  while (!doomed_.empty() || !flush_list_.empty()) {
    for (std::size_t i = 0; i < doomed_.size(); ++i) {
      // Copied: cut_off and close_session may add to doomed_, which moves its elements.
      const doomed_session d = doomed_[i];
      session* s = find(d.who);
      if (s == nullptr) continue;
      if (d.tell) {
        cut_off(*s, d.why);
      } else {
        close_session(*s, d.why);
      }
    }
    doomed_.clear();
    for (std::size_t i = 0; i < flush_list_.size(); ++i) {
      session* s = find(flush_list_[i]);
      if (s == nullptr) continue;
      s->in_flush_list = false;
      if (s->phase != session_phase::closed) flush(*s);
    }
    flush_list_.clear();
  }
}

void chat_server::doom(session& s, std::string why, bool tell) {
  if (s.doomed || s.phase == session_phase::closed) return;
  s.doomed = true;
  doomed_.push_back({s.id, std::move(why), tell});
}

void chat_server::cut_off(session& s, const std::string& why) {
  if (s.phase == session_phase::closed) return;
  leave(s, why, {});
  // What it has not taken yet is dropped, and the line it was sending; it gets the reason,
  // our FIN after it, and linger_time to read them before the connection is closed anyway.
  s.drop_unsent_lines();
  s.framer.reset();
  s.queue_line("! disconnected: " + why);
  recharge(s);
  schedule_flush(s);
}

void chat_server::schedule_flush(session& s) {
  if (s.in_flush_list) return;
  s.in_flush_list = true;
  flush_list_.push_back(s.id);
}

// Hands the session's queue to the kernel, as much as it takes, and notes its progress.
std::error_code chat_server::send_queued(session& s) {
  const std::size_t before = s.unsent();
  const std::error_code ec = s.flush(max_send_piece);
  if (s.unsent() < before || s.unsent() == 0) s.last_progress = clock::now();
  recharge(s);
  return ec;
}

void chat_server::flush(session& s) {
  const std::error_code ec = send_queued(s);
  if (ec) {
    close_session(s, lost(ec));
    return;
  }
  if (s.phase != session_phase::leaving || s.unsent() != 0) return;
  if (s.peer_done) {
    close_session(s, {});
  } else if (!s.send_shut) {
    // Our FIN after the last line; the socket closes when the peer's comes (or at
    // linger_until). Closing at once could reset the connection and lose that last line.
    s.send_shut = true;
    (void)s.connection.shutdown(shutdown_mode::send);
  }
}

// Sessions close on their peer's end of stream (recv 0, which evsel reports as read or
// close once everything before it was read), on a reset, when they were cut off, or at
// their linger deadline: never while the client may still have lines on their way to us.
void chat_server::close_session(session& s, std::string_view why) {
  if (s.phase == session_phase::closed) return;
  if (s.phase == session_phase::member) leave(s, why, {});
  s.connection.close();  // also takes it off the poller
  s.phase = session_phase::closed;
  // The chores forget the address once nothing holds it.
  if (addresses_.release(s.network)) need_chores();
  recharge(s);  // a closed session holds nothing
  closed_.push_back(s.id);
}

void chat_server::shut_down() {
  stopping_ = true;
  listener_.close();  // also takes it off the poller
  for (auto& entry : sessions_) {
    if (entry.second.phase == session_phase::member)
      leave(entry.second, "server shutting down", "* server shutting down");
  }
  finish_batch();
}

}  // namespace evsel::chat
