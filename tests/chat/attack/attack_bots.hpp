// SPDX-License-Identifier: MIT
// evsel chat attack tool: many hostile clients on one evsel::poller, doing what a mode says.
#pragma once

#include <chrono>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include <evsel/evsel.hpp>

#include "attack_options.hpp"

namespace evsel_chat_attack {

using clock = std::chrono::steady_clock;

enum class bot_state {
  idle,        // no connection (not started yet, or finished)
  connecting,  // connect() called, the connect event not yet in
  open         // connected: doing what the mode says
};

struct bot {
  evsel::socket socket;
  bot_state state = bot_state::idle;
  clock::time_point started{};   // connect() called
  clock::time_point reset_at{};  // reset-mid-line: when it resets
  std::size_t to_send = 0;       // partial-lines: bytes of the unfinished line still to send
  std::string first_line;        // the server's first line, once whole (at most 512 bytes kept)
  bool first_line_complete = false;
};

// What happened, for the summary line.
struct attack_counts {
  std::size_t connections = 0;                // connects that succeeded
  std::size_t connect_errors = 0;             // connects that failed
  std::size_t resets = 0;                     // reset-mid-line: connections reset by us
  std::size_t closed_by_server = 0;           // end of stream or a reset from the server
  std::size_t admitted = 0;                   // first line was the welcome
  std::size_t turned_away = 0;                // first line began with "! "
  std::chrono::milliseconds first_close{-1};  // silent: soonest and latest close by the
  std::chrono::milliseconds last_close{-1};   // server, from the connect call
};

class attack_run {
 public:
  explicit attack_run(const attack_options& options);
  // Runs the attack; returns the exit status.
  int run();

 private:
  void start(bot& b, clock::time_point now);
  void handle(bot& b, const evsel::network_events& events, clock::time_point now);
  void on_connected(bot& b);
  void receive(bot& b, clock::time_point now);
  void push(bot& b);
  void stream(bot& b);
  void tick(clock::time_point now);
  void finish(bot& b, bool by_server, clock::time_point now);
  bool replaces_finished() const;
  std::size_t open_bots() const;
  void print_summary(double seconds) const;

  const attack_options& options_;
  std::mt19937_64 random_;
  evsel::poller poller_;
  std::vector<bot> bots_;
  attack_counts counts_;
  clock::time_point deadline_{};
  clock::time_point next_tick_{};
  std::vector<char> buffer_;
};

}  // namespace evsel_chat_attack
