// SPDX-License-Identifier: MIT
// evsel chat attack tool: many hostile clients on one evsel::poller, doing what a mode says.
#include "attack_bots.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "descriptor_limit.hpp"

namespace evsel_chat_attack {
namespace {

using namespace std::chrono_literals;
using evsel::event;

// reset-mid-line sends a piece of its line this often; failed connects are retried as often.
constexpr auto tick_interval = 20ms;
constexpr std::size_t stream_piece = 64;
constexpr std::size_t kept_first_line = 512;

std::chrono::milliseconds since(clock::time_point from, clock::time_point now) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(now - from);
}

}  // namespace

attack_run::attack_run(const attack_options& options)
    : options_(options), random_(options.seed), bots_(options.clients), buffer_(64 * 1024) {}

int attack_run::run() {
  evsel_examples::raise_descriptor_limit(bots_.size() + 64);
  const auto started = clock::now();
  deadline_ = started + options_.duration;
  for (bot& b : bots_) start(b, started);
  std::vector<evsel::ready_record> records(256);
  for (;;) {
    const auto now = clock::now();
    if (now >= deadline_) break;
    if (options_.mode == attack_mode::silent && open_bots() == 0) break;
    std::error_code ec;
    const auto wait = std::min<clock::duration>(deadline_ - now, tick_interval);
    const std::size_t n = poller_.wait(records.data(), records.size(),
                                       std::chrono::ceil<std::chrono::milliseconds>(wait), ec);
    if (ec) {
      std::fprintf(stderr, "evsel-chat-attack: wait: %s\n", ec.message().c_str());
      return 1;
    }
    const auto after = clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      handle(*static_cast<bot*>(records[i].context), records[i], after);
    }
    tick(after);
  }
  const double seconds = std::chrono::duration<double>(clock::now() - started).count();
  const std::size_t left_open = open_bots();
  for (bot& b : bots_) b.socket.close();
  print_summary(seconds);
  if (counts_.connections == 0) {
    std::fprintf(stderr, "evsel-chat-attack: no connection succeeded\n");
    return 1;
  }
  if (options_.mode == attack_mode::silent && left_open != 0) {
    std::fprintf(stderr, "evsel-chat-attack: the server kept %zu silent connections open\n",
                 left_open);
    return 1;
  }
  return 0;
}

void attack_run::start(bot& b, clock::time_point now) {
  b = bot{};
  std::error_code ec;
  b.socket = evsel::socket::open(options_.server.family(), evsel::protocol::tcp, ec);
  event events = event::connect | event::read | event::write | event::close;
  if (!ec && options_.mode == attack_mode::non_readers) {
    // Output piles up at the server, not here; no read, so no close either (close waits
    // until everything was read).
    ec = b.socket.set_receive_buffer_size(4096);
    events = event::connect | event::write;
  }
  if (!ec && (options_.sources > 1 || options_.first_source != 1)) {
    const auto k = static_cast<std::size_t>(&b - bots_.data()) % options_.sources;
    const auto host = static_cast<std::uint8_t>(options_.first_source + k);
    ec = b.socket.bind(evsel::endpoint::ipv4({127, 0, 0, host}, 0));
  }
  if (!ec) ec = poller_.add(b.socket, events, &b);
  if (!ec) ec = b.socket.connect(options_.server);
  if (ec) {
    ++counts_.connect_errors;
    b.socket.close();
    return;
  }
  b.state = bot_state::connecting;
  b.started = now;
  if (options_.mode == attack_mode::reset_mid_line) {
    std::uniform_int_distribution<long long> hold(options_.hold_min.count(),
                                                  options_.hold_max.count());
    b.reset_at = now + std::chrono::milliseconds(hold(random_));
  }
}

void attack_run::handle(bot& b, const evsel::network_events& events, clock::time_point now) {
  if (b.state == bot_state::idle) return;
  if (events.has(event::connect)) {
    if (events.error(event::connect)) {
      ++counts_.connect_errors;
      b.socket.close();
      b.state = bot_state::idle;  // tick() starts another, after a pause
      return;
    }
    on_connected(b);
  }
  if (events.has(event::read | event::close)) receive(b, now);
  if (b.state == bot_state::open && events.has(event::write)) push(b);
}

void attack_run::on_connected(bot& b) {
  b.state = bot_state::open;
  ++counts_.connections;
  if (options_.mode == attack_mode::partial_lines) {
    b.to_send = options_.bytes;
    push(b);
  } else if (options_.mode == attack_mode::reset_mid_line) {
    stream(b);
  }
}

void attack_run::receive(bot& b, clock::time_point now) {
  while (b.state == bot_state::open) {
    std::error_code ec;
    const std::size_t n = b.socket.recv(buffer_.data(), buffer_.size(), ec);
    if (ec == evsel::errc::would_block) return;
    if (ec || n == 0) return finish(b, true, now);
    if (b.first_line_complete) continue;
    for (std::size_t i = 0; i < n && !b.first_line_complete; ++i) {
      if (buffer_[i] == '\n') {
        b.first_line_complete = true;
      } else if (b.first_line.size() < kept_first_line) {
        b.first_line.push_back(buffer_[i]);
      }
    }
    if (!b.first_line_complete) continue;
    if (b.first_line.rfind("! ", 0) == 0) {
      ++counts_.turned_away;
    } else {
      ++counts_.admitted;
    }
    if (options_.mode == attack_mode::churn) return finish(b, false, now);
  }
}

// partial-lines: the unfinished line, as fast as the server takes it.
void attack_run::push(bot& b) {
  while (b.to_send != 0) {
    const std::size_t size = std::min(b.to_send, buffer_.size());
    std::fill_n(buffer_.begin(), size, 'p');
    std::error_code ec;
    const std::size_t n = b.socket.send(buffer_.data(), size, ec);
    if (ec) return;  // would block: the write event comes; anything else: the close does
    b.to_send -= n;
  }
}

// reset-mid-line: one more piece of a line that never ends.
void attack_run::stream(bot& b) {
  const std::string piece(stream_piece, 'x');
  std::error_code ec;
  (void)b.socket.send(piece.data(), piece.size(), ec);
}

void attack_run::tick(clock::time_point now) {
  if (now < next_tick_) return;
  next_tick_ = now + tick_interval;
  for (bot& b : bots_) {
    // A connect that failed is tried again here, at most once a tick, so that a server
    // that is gone does not turn this into a busy loop.
    if (b.state == bot_state::idle && replaces_finished()) start(b, now);
    if (options_.mode != attack_mode::reset_mid_line || b.state != bot_state::open) continue;
    if (now < b.reset_at) {
      stream(b);
      continue;
    }
    (void)b.socket.set_linger(true, 0s);
    b.socket.close();
    b.state = bot_state::idle;
    ++counts_.resets;
    if (replaces_finished()) start(b, now);
  }
}

void attack_run::finish(bot& b, bool by_server, clock::time_point now) {
  if (by_server) {
    ++counts_.closed_by_server;
    const auto took = since(b.started, now);
    if (counts_.first_close.count() < 0 || took < counts_.first_close) counts_.first_close = took;
    counts_.last_close = std::max(counts_.last_close, took);
  }
  b.socket.close();
  b.state = bot_state::idle;
  if (replaces_finished()) start(b, now);
}

// Whether a finished client is replaced by a new one: in the modes that keep up a load.
bool attack_run::replaces_finished() const {
  if (clock::now() >= deadline_) return false;
  return options_.mode == attack_mode::reset_mid_line || options_.mode == attack_mode::churn;
}

std::size_t attack_run::open_bots() const {
  return static_cast<std::size_t>(std::count_if(
      bots_.begin(), bots_.end(), [](const bot& b) { return b.state != bot_state::idle; }));
}

void attack_run::print_summary(double seconds) const {
  std::printf(
      "attack clients=%zu seconds=%.2f connections=%zu connect_errors=%zu resets=%zu "
      "closed_by_server=%zu admitted=%zu turned_away=%zu first_close_ms=%lld "
      "last_close_ms=%lld seed=%llu\n",
      bots_.size(), seconds, counts_.connections, counts_.connect_errors, counts_.resets,
      counts_.closed_by_server, counts_.admitted, counts_.turned_away,
      static_cast<long long>(counts_.first_close.count()),
      static_cast<long long>(counts_.last_close.count()), options_.seed);
}

}  // namespace evsel_chat_attack
