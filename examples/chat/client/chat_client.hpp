// SPDX-License-Identifier: MIT
// evsel chat client: one connection, standard input and the stop signals behind one wait.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <evsel/evsel.hpp>

#include "line_source.hpp"

namespace evsel::chat {

class chat_client {
 public:
  using clock = std::chrono::steady_clock;

  // `connection` is an open TCP socket. A zero `connect_timeout` leaves the attempt to the OS
  // (on Linux some two minutes against a host that never answers).
  chat_client(evsel::socket connection, endpoint server, std::chrono::seconds connect_timeout);

  // Connects, sends `/nick nick` (if not empty), then each line of standard input, and
  // prints what arrives, until the server closes, or after input has ended and the server
  // has answered, or a stop signal. Returns the exit status.
  int run(const std::string& nick);

 private:
  // What one record says about the connection; the exit status once it is over, else -1.
  int on_connection(const evsel::ready_record& r);
  int give_up_connecting() const;
  int receive();
  int closed() const;
  bool take_input();
  std::error_code flush();

  evsel::poller poller_;
  evsel::socket socket_;
  const endpoint server_;
  const std::chrono::seconds connect_timeout_;
  // Set by the input thread after each line and at the end of input: a record of its own,
  // told apart from the connection's and from a stop.
  evsel::user_event input_arrived_;
  // After input_arrived_: destroyed first, so that its thread never sets a destroyed event.
  line_source input_;
  std::string outbox_;
  std::size_t sent_ = 0;
  bool connected_ = false;
  bool input_ended_ = false;
  bool send_shut_ = false;
  bool welcomed_ = false;
  std::string seen_;  // what came before the welcome line
};

}  // namespace evsel::chat
