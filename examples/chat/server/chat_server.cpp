// SPDX-License-Identifier: MIT
// evsel chat server: the event loop: accepting, reading, writing and closing.
#include "chat_server.hpp"

#include <algorithm>
#include <iterator>

namespace evsel::chat {
namespace {

using namespace std::chrono_literals;

constexpr auto stop_check_interval = 250ms;
// How long the server waits for its goodbye line to reach everyone when it stops.
constexpr auto shutdown_grace = 3s;
// Per turn, so that one flooding client cannot hold the loop: read and accept are recorded
// again while more is waiting (the re-enabling calls), so the rest comes on the next wait.
constexpr int max_reads_per_turn = 4;
constexpr int max_accepts_per_turn = 256;

constexpr event client_events = event::read | event::write | event::close;

std::chrono::milliseconds whole_ms(std::chrono::steady_clock::duration d) {
  return std::chrono::ceil<std::chrono::milliseconds>(d);
}

}  // namespace

chat_server::chat_server(const server_options& options, server_log& log)
    : options_(options), log_(log), records_(256), buffer_(64 * 1024) {}

std::error_code chat_server::start() {
  std::error_code ec;
  listener_ = socket::open(options_.listen.family(), protocol::tcp, ec);
  if (!ec) ec = listener_.set_reuse_address(true);
  if (!ec) ec = listener_.bind(options_.listen);
  if (!ec) ec = listener_.listen();
  if (!ec) ec = poller_.add(listener_, event::accept, &listener_);
  if (ec) listener_.close();
  return ec;
}

endpoint chat_server::local_endpoint() const {
  std::error_code ec;
  return listener_.local_endpoint(ec);
}

std::error_code chat_server::run(const std::function<bool()>& stop_requested) {
  while (!stop_requested()) {
    if (const std::error_code ec = serve_once(time_to_next_deadline(stop_check_interval))) {
      return ec;
    }
  }
  shut_down();
  const auto give_up = clock::now() + shutdown_grace;
  while (!sessions_.empty() && clock::now() < give_up) {
    const auto left = give_up - clock::now();
    if (const std::error_code ec = serve_once(time_to_next_deadline(left))) return ec;
  }
  for (session& s : sessions_) s.connection.close();
  sessions_.clear();
  return {};
}

std::error_code chat_server::serve_once(clock::duration max_wait) {
  std::error_code ec;
  const std::size_t n = poller_.wait(records_.data(), records_.size(), whole_ms(max_wait), ec);
  if (ec) return ec;
  for (std::size_t i = 0; i < n; ++i) {
    if (records_[i].context == &listener_) {
      accept_all();
      continue;
    }
    // A session closed earlier in this batch keeps its memory until the batch is done, so
    // its later records are still safe to look at.
    auto& s = *static_cast<session*>(records_[i].context);
    if (s.phase != session_phase::closed) handle(s, records_[i]);
  }
  finish_batch();
  expire_lingering();
  expire_slow_lines();
  for (session* s : closed_) sessions_.erase(s->self);
  closed_.clear();
  return {};
}

void chat_server::handle(session& s, const network_events& events) {
  // Read first, also on close: evsel reports close only once nothing is left unread, and a
  // reset's error comes from recv as well.
  if (events.has(event::read | event::close)) read_from(s);
  if (s.phase == session_phase::closed) return;
  if (events.has(event::close) && events.error(event::close)) {
    close_session(s, "connection reset");
    return;
  }
  if (events.has(event::write)) schedule_flush(s);
}

void chat_server::read_from(session& s) {
  for (int turn = 0; turn < max_reads_per_turn; ++turn) {
    std::error_code ec;
    const std::size_t n = s.connection.recv(buffer_.data(), buffer_.size(), ec);
    if (ec == errc::would_block) return;
    if (ec) {
      close_session(s, "connection reset");
      return;
    }
    if (n == 0) {
      s.peer_done = true;
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
    note_partial_line(s, completed);
  }
}

bool chat_server::take_line_token(session& s) {
  if (options_.max_rate == 0) return true;
  const auto now = clock::now();
  const double rate = static_cast<double>(options_.max_rate);
  if (s.tokens_at == clock::time_point{}) {
    s.line_tokens = rate;  // a full second's worth to begin with
  } else {
    const double seconds = std::chrono::duration<double>(now - s.tokens_at).count();
    s.line_tokens = std::min(rate, s.line_tokens + seconds * rate);
  }
  s.tokens_at = now;
  if (s.line_tokens < 1) return false;
  s.line_tokens -= 1;
  return true;
}

void chat_server::note_partial_line(session& s, bool completed_one) {
  const bool partial = s.framer.pending() != 0 || s.framer.skipping();
  if (!partial) {
    s.line_open = false;
  } else if (!s.line_open || completed_one) {
    s.line_open = true;
    s.line_started = clock::now();
  }
}

void chat_server::expire_slow_lines() {
  // A sweep over every client once a second at most: the deadline is in seconds, and the
  // server wakes that often anyway (stop_check_interval).
  const auto now = clock::now();
  if (now < next_line_sweep_) return;
  next_line_sweep_ = now + std::chrono::seconds(1);
  for (session& s : sessions_) {
    if (s.phase == session_phase::member && s.line_open && !s.doomed &&
        now - s.line_started > options_.line_timeout) {
      doom(s, "line not finished within " + std::to_string(options_.line_timeout.count()) + " s",
           true);
    }
  }
  finish_batch();
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

void chat_server::admit(socket connection, const endpoint& peer) {
  session& s = sessions_.emplace_back(std::move(connection), peer, options_.max_line);
  s.self = std::prev(sessions_.end());
  if (const std::error_code ec = poller_.add(s.connection, client_events, &s)) {
    log_.note("error: " + peer.to_string() + ": cannot watch the connection: " + ec.message());
    sessions_.erase(s.self);
    return;
  }
  (void)s.connection.set_no_delay(true);  // chat lines are small and should not wait
  if (members_ >= options_.max_clients) {
    // Not a member: it gets its line, then our FIN, and closes as a leaving client does.
    s.phase = session_phase::leaving;
    s.linger_until = clock::now() + rejected_linger_time;
    lingering_.push_back(&s);
    say_to(s,
           "! server full (" + std::to_string(options_.max_clients) + " clients), try again later");
    log_.note("rejected " + peer.to_string() + ": server full");
    return;
  }
  s.nick = next_guest_nick();
  s.key = nick_key(s.nick);
  nicks_.emplace(s.key, &s);
  ++members_;
  say_to(s, "* welcome to evsel chat, you are " + s.nick + " (" + std::to_string(members_) +
                " online, /help lists the commands)");
  say_to_others(s, "* " + s.nick + " joined");
  log_.note("connect " + peer.to_string() + " as " + s.nick);
}

void chat_server::finish_batch() {
  // Closing a session tells the others, which queues output, which may doom another one:
  // go on until both lists stay empty. Indexes, not iterators: the lists grow meanwhile.
  while (!doomed_.empty() || !flush_list_.empty()) {
    for (std::size_t i = 0; i < doomed_.size(); ++i) {
      const doomed_session& d = doomed_[i];
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
      if (s.phase != session_phase::closed) flush(s);
    }
    flush_list_.clear();
  }
}

void chat_server::doom(session& s, std::string why, bool tell) {
  if (s.doomed || s.phase == session_phase::closed) return;
  s.doomed = true;
  doomed_.push_back({&s, std::move(why), tell});
}

void chat_server::cut_off(session& s, const std::string& why) {
  if (s.phase == session_phase::closed) return;
  leave(s, why, {});
  // What it has not taken yet is dropped; it gets the reason, our FIN after it, and
  // linger_time to read them before the connection is closed anyway.
  s.drop_unsent_lines();
  s.queue_line("! disconnected: " + why);
  schedule_flush(s);
}

void chat_server::schedule_flush(session& s) {
  if (s.in_flush_list) return;
  s.in_flush_list = true;
  flush_list_.push_back(&s);
}

void chat_server::flush(session& s) {
  if (const std::error_code ec = s.flush()) {
    close_session(s, "connection lost: " + ec.message());
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
  closed_.push_back(&s);
}

void chat_server::expire_lingering() {
  const auto now = clock::now();
  auto gone = std::remove_if(lingering_.begin(), lingering_.end(), [this, now](session* s) {
    if (s->phase == session_phase::leaving && now >= s->linger_until) close_session(*s, {});
    return s->phase == session_phase::closed;
  });
  lingering_.erase(gone, lingering_.end());
}

chat_server::clock::duration chat_server::time_to_next_deadline(clock::duration cap) const {
  const auto now = clock::now();
  clock::duration wait = cap;
  for (const session* s : lingering_) wait = std::min(wait, s->linger_until - now);
  return std::max(wait, clock::duration::zero());
}

void chat_server::shut_down() {
  stopping_ = true;
  listener_.close();  // also takes it off the poller
  for (session& s : sessions_) {
    if (s.phase == session_phase::member)
      leave(s, "server shutting down", "* server shutting down");
  }
  finish_batch();
}

}  // namespace evsel::chat
