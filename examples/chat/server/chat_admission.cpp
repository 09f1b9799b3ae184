// SPDX-License-Identifier: MIT
// evsel chat server: who gets in: per-address limits, the memory budget, the room's size.
#include <algorithm>

#include "chat_server.hpp"

namespace evsel::chat {
namespace {

constexpr event client_events = event::read | event::write | event::close;

// The key of a client's address for the per-address limits: the address itself for IPv4,
// the /64 for IPv6, since one host is given a whole /64 and picks addresses in it freely.
std::string network_of(const endpoint& peer) {
  if (peer.family() == address_family::ipv4) return peer.address_string();
  endpoint::v6_bytes bytes = peer.ipv6_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), std::uint8_t{0});
  return endpoint::ipv6(bytes, 0).address_string() + "/64";
}

}  // namespace

void chat_server::admit(socket connection, const endpoint& peer) {
  const auto now = clock::now();
  std::string network = network_of(peer);
  switch (addresses_.admit(network, now)) {
    case address_limits::verdict::admit:
      break;
    case address_limits::verdict::too_many:
      turn_away(connection, "! too many connections from " + network + " (at most " +
                                std::to_string(options_.max_per_address) + "), try again later");
      return;
    case address_limits::verdict::too_fast:
      turn_away(connection, "! too many new connections from " + network + " (at most " +
                                std::to_string(options_.max_connect_rate) +
                                " a second), try again later");
      return;
  }
  // A newcomer needs room for its state and, should it fall behind, its kernel buffer.
  if (!budget_.has_room_for(session_overhead_ + kernel_send_buffer_)) {
    addresses_.release(network);
    ++turned_away_for_memory_;
    turn_away(connection, "! server busy (out of memory for new clients), try again later");
    return;
  }
  const session_id id = ++last_id_;
  session& s =
      sessions_
          .try_emplace(id, id, std::move(connection), peer, std::move(network), options_.max_line)
          .first->second;
  s.joined = now;
  s.line_allowance = token_bucket(static_cast<double>(options_.max_rate));
  if (const std::error_code ec =
          poller_.add(s.connection, client_events, reinterpret_cast<void*>(id))) {
    log_.note("error: " + peer.to_string() + ": cannot watch the connection: " + ec.message());
    if (addresses_.release(s.network)) need_chores();
    sessions_.erase(id);
    return;
  }
  configure(s);
  recharge(s);
  if (members_ >= options_.max_clients) {
    // Not a member: it gets its line, then our FIN, and closes as a leaving client does.
    s.phase = session_phase::leaving;
    s.linger_until = now + rejected_linger_time;
    plan_deadline(s);
    say_to(s,
           "! server full (" + std::to_string(options_.max_clients) + " clients), try again later");
    log_.note("rejected " + peer.to_string() + ": server full");
    return;
  }
  s.nick = next_guest_nick();
  s.key = nick_key(s.nick);
  nicks_.emplace(s.key, s.id);
  ++members_;
  say_to(s, "* welcome to evsel chat, you are " + s.nick + " (" + std::to_string(members_) +
                " online, /help lists the commands)");
  plan_deadline(s);  // its first line's
  if (notices_.announce(membership_notices::change::joined, now)) {
    say_to_others(s, "* " + s.nick + " joined");
  } else {
    need_chores();  // the summary
  }
  log_.note("connect " + peer.to_string() + " as " + s.nick);
}

void chat_server::configure(session& s) {
  // Failures here leave a working connection with the OS's defaults: worth a log line, not
  // a refusal.
  std::error_code ec = s.connection.set_no_delay(true);  // chat lines are small: no waiting
  if (!ec) ec = s.connection.set_send_buffer_size(client_socket_buffer);
  if (!ec) ec = s.connection.set_receive_buffer_size(client_socket_buffer);
  if (!ec && options_.keepalive.count() > 0) {
    // Ten probes a tenth of the idle time apart: a vanished client is noticed after about
    // twice --keepalive, and also where the OS keeps its own count (10 on Windows).
    const auto interval = std::max(std::chrono::seconds(1), options_.keepalive / 10);
    ec = s.connection.set_keep_alive(options_.keepalive, interval, 10);
  }
  if (ec) log_.note("error: " + s.peer.to_string() + ": socket options: " + ec.message());
}

void chat_server::turn_away(socket& connection, std::string_view line) {
  // Turned away before it costs anything: no session and no notice, one send (the line
  // fits in any socket buffer), our FIN, the close, and, with the chores, one log line a
  // second for all.
  // Whatever it sent already is read first: closing with unread data would reset the
  // connection, and the client could lose the line.
  std::error_code ec;
  (void)connection.recv(buffer_.data(), buffer_.size(), ec);
  std::string text(line);
  text.push_back('\n');
  (void)connection.send(text.data(), text.size(), ec);
  (void)connection.shutdown(shutdown_mode::send);
  connection.close();
  need_chores();  // the log line
}

void chat_server::log_refusals() {
  const address_limits::refusals refused = addresses_.take_refusals();
  const std::size_t total = refused.total() + turned_away_for_memory_;
  if (total == 0) return;
  std::string line = "turned away " + std::to_string(total) + " connections in the last second:";
  const char* separator = " ";
  auto part = [&line, &separator](std::size_t count, const char* why) {
    if (count == 0) return;
    line += separator + std::to_string(count) + " " + why;
    separator = ", ";
  };
  part(refused.too_many, "over --max-per-address");
  part(refused.too_fast, "over --max-connect-rate");
  part(turned_away_for_memory_, "for lack of memory");
  if (refused.busiest_count != 0) {
    line += " (most from " + refused.busiest + ": " + std::to_string(refused.busiest_count) + ")";
  }
  turned_away_for_memory_ = 0;
  log_.note(line);
}

}  // namespace evsel::chat
