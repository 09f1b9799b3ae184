// SPDX-License-Identifier: MIT
// evsel chat client: one connection, standard input and the stop signals behind one wait.
#include "chat_client.hpp"

#include <cstdio>
#include <deque>
#include <vector>

#include "stop_signal.hpp"

namespace evsel::chat {
namespace {

int fail(const std::string& what, const std::error_code& ec) {
  std::fprintf(stderr, "evsel-chat-client: %s: %s\n", what.c_str(), ec.message().c_str());
  return 1;
}

}  // namespace

chat_client::chat_client(evsel::socket connection,
                         endpoint server,
                         std::chrono::seconds connect_timeout)
    : socket_(std::move(connection)),
      server_(server),
      connect_timeout_(connect_timeout),
      input_([this] { (void)input_arrived_.set(); }) {}

int chat_client::run(const std::string& nick) {
  const auto mask =
      evsel::event::connect | evsel::event::read | evsel::event::write | evsel::event::close;
  // Each record's context is the source it comes from.
  evsel::user_event& stop = evsel_examples::stop_event();
  std::error_code ec = poller_.add(socket_, mask, &socket_);
  if (!ec) ec = poller_.add(input_arrived_, &input_arrived_);
  if (!ec) ec = poller_.add(stop, &stop);
  if (!ec && connect_timeout_.count() > 0) {
    ec = poller_.set_deadline(socket_, clock::now() + connect_timeout_);
  }
  if (ec) return fail("poller", ec);
  // The outcome, refused included, comes as the connect event.
  if ((ec = socket_.connect(server_))) return fail("cannot connect to " + server_.to_string(), ec);
  if (!nick.empty()) outbox_ = "/nick " + nick + "\n";
  input_.start();
  std::vector<evsel::ready_record> records(4);
  for (;;) {
    // No timeout: the connect deadline, the input and the stop signals are all records.
    const std::size_t n = poller_.wait(records.data(), records.size(), evsel::poller::infinite, ec);
    if (ec) return fail("wait", ec);
    for (std::size_t i = 0; i < n; ++i) {
      const evsel::ready_record& r = records[i];
      if (r.context == &stop) return 0;
      if (r.context == &input_arrived_) {
        // Reset before taking: a line that comes after the take sets it again.
        (void)input_arrived_.reset();
        if (!input_ended_) input_ended_ = take_input();
      } else if (const int status = on_connection(r); status >= 0) {
        return status;
      }
    }
    if (connected_) {
      if (const std::error_code send_ec = flush()) return fail("send", send_ec);
    }
  }
}

int chat_client::on_connection(const evsel::ready_record& r) {
  if (r.has(evsel::event::connect)) {
    if (const std::error_code& failed = r.error(evsel::event::connect)) {
      return fail("cannot connect to " + server_.to_string(), failed);
    }
    connected_ = true;
    // Its purpose is served; a timeout recorded beside the connect is taken back.
    (void)poller_.clear_deadline(socket_);
  } else if (r.has(evsel::event::timeout) && !connected_) {
    return give_up_connecting();
  }
  if (r.has(evsel::event::read | evsel::event::close)) return receive();
  return -1;
}

int chat_client::give_up_connecting() const {
  std::fprintf(stderr,
               "evsel-chat-client: cannot connect to %s: no answer within %lld s "
               "(--connect-timeout)\n",
               server_.to_string().c_str(), static_cast<long long>(connect_timeout_.count()));
  return 1;
}

// Prints what arrived; returns the exit status once the server has closed, else -1.
int chat_client::receive() {
  char buffer[16 * 1024];
  for (;;) {
    std::error_code ec;
    const std::size_t n = socket_.recv(buffer, sizeof buffer, ec);
    if (ec == evsel::errc::would_block) return -1;
    if (ec) return fail("connection lost", ec);
    if (n == 0) return closed();
    if (!welcomed_ && seen_.size() < 4096) {
      seen_.append(buffer, n);
      welcomed_ = seen_.find("* welcome") != std::string::npos;
    }
    std::fwrite(buffer, 1, n, stdout);
    std::fflush(stdout);
  }
}

// The server closed the connection: fine after a welcome, a refusal before one (the
// server said why, "! server full" for instance, and that has been printed).
int chat_client::closed() const {
  if (welcomed_) return 0;
  std::fprintf(stderr, "evsel-chat-client: the server closed the connection\n");
  return 1;
}

bool chat_client::take_input() {
  std::deque<std::string> lines;
  const bool ended = input_.take(lines);
  for (const std::string& line : lines) {
    outbox_ += line;
    outbox_ += '\n';
  }
  return ended;
}

std::error_code chat_client::flush() {
  while (sent_ < outbox_.size()) {
    std::error_code ec;
    const std::size_t n = socket_.send(outbox_.data() + sent_, outbox_.size() - sent_, ec);
    if (ec == evsel::errc::would_block) return {};  // write comes again when there is room
    if (ec) return ec;
    sent_ += n;
  }
  outbox_.clear();
  sent_ = 0;
  if (input_ended_ && !send_shut_) {
    // Everything typed is out: our FIN tells the server, which answers and closes.
    send_shut_ = true;
    return socket_.shutdown(evsel::shutdown_mode::send);
  }
  return {};
}

}  // namespace evsel::chat
