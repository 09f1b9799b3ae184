// SPDX-License-Identifier: MIT
// evsel-chat-load: many chat clients on one evsel::poller, checking delivery end to end:
// every line reaches every other client exactly once, in order per sender.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <evsel/evsel.hpp>

#include "descriptor_limit.hpp"
#include "latency_histogram.hpp"
#include "load_options.hpp"
#include "load_report.hpp"
#include "process_usage.hpp"

namespace evsel_chat_load {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;
using evsel::event;

constexpr std::size_t max_connecting = 128;  // connection attempts in flight at once
constexpr std::size_t max_send_piece = 4096;
constexpr event client_events = event::connect | event::read | event::write | event::close;

struct client {
  std::string nick;  // "c<index>", or "slow"
  bool slow = false;
  evsel::socket socket;
  bool connected = false;
  bool named = false;  // the server confirmed the nick
  bool closed = false;
  std::string inbox;   // the start of a line not yet complete
  std::string outbox;  // outbox[sent..] is still to be sent
  std::size_t sent = 0;
  std::vector<std::size_t> next_from;  // per sender: the sequence number expected next
  std::size_t received = 0;            // message lines received
  std::size_t queued = 0;              // own message lines queued so far
  bool saw_slow_cut = false;
  // Own message lines, for their latency: where each ends in the byte stream, and when the
  // send call that took its last byte returned. Sized to --messages before the run.
  std::vector<std::uint64_t> line_end;
  std::vector<clock::time_point> sent_at;
  std::uint64_t queued_bytes = 0;  // since the connection began, unlike `sent`
  std::uint64_t sent_bytes = 0;
  std::size_t handed_over = 0;  // own message lines whose last byte was sent
};

// The text of line `seq` of every sender: a sequence number and filler that depends on it,
// so that a corrupted, lost, repeated or reordered line shows.
std::string message_text(std::size_t seq, std::size_t payload) {
  std::string text = "m" + std::to_string(seq);
  // No space without filler: the server trims trailing blanks, and the line must come back
  // exactly as sent.
  if (payload != 0) text.append(1, ' ').append(payload, static_cast<char>('a' + seq % 26));
  return text;
}

class load_run {
 public:
  explicit load_run(const load_options& options)
      : options_(options), senders_(options.clients), random_(options.seed) {
    clients_.resize(senders_ + (options.slow_reader ? 1 : 0));
    for (std::size_t i = 0; i < clients_.size(); ++i) {
      client& c = clients_[i];
      c.slow = i == senders_;
      c.nick = c.slow ? "slow" : "c" + std::to_string(i);
      c.next_from.assign(senders_, 0);
      if (!c.slow) {
        c.line_end.resize(options.messages);
        c.sent_at.resize(options.messages);
      }
    }
  }

  int run() {
    evsel_examples::raise_descriptor_limit(clients_.size() + 64);
    const auto started = clock::now();
    deadline_ = started + options_.timeout;
    std::vector<evsel::ready_record> records(256);
    // After everything arrived, a short while more: a late duplicate would show then.
    clock::time_point settled{};
    while (failure_.empty() && clock::now() < deadline_ &&
           (settled == clock::time_point{} || clock::now() < settled)) {
      if (settled == clock::time_point{} && delivered()) settled = clock::now() + 300ms;
      start_connects();
      std::error_code ec;
      const std::size_t n = poller_.wait(records.data(), records.size(), 100ms, ec);
      if (ec) fail("wait: " + ec.message());
      for (std::size_t i = 0; i < n && failure_.empty(); ++i) {
        handle(*static_cast<client*>(records[i].context), records[i]);
      }
      if (!talking_ && named_ == clients_.size()) start_talking();
    }
    if (failure_.empty() && !delivered()) fail(progress("timed out"));
    if (failure_.empty() && options_.slow_reader && !clients_.back().closed) {
      fail("the slow client was never disconnected");
    }
    const double seconds = std::chrono::duration<double>(clock::now() - started).count();
    if (!failure_.empty()) {
      std::fprintf(stderr, "evsel-chat-load: FAILED (seed %llu): %s\n", options_.seed,
                   failure_.c_str());
      return 1;
    }
    std::printf(
        "evsel-chat-load: %zu clients x %zu lines: %zu deliveries in %.2f s (seed %llu)%s: ok\n",
        senders_, options_.messages, deliveries_expected(), seconds, options_.seed,
        options_.slow_reader ? ", slow reader cut off" : "");
    load_figures figures;
    figures.deliveries = latencies_.count();
    figures.seconds = std::chrono::duration<double>(last_delivery_ - first_sent_).count();
    figures.latencies = &latencies_;
    if (options_.server_pid != 0) figures.server_cpu_seconds = server_cpu_end_ - server_cpu_start_;
    print_result(options_, figures);
    return 0;
  }

 private:
  void fail(std::string why) {
    if (failure_.empty()) failure_ = std::move(why);
  }

  std::size_t deliveries_expected() const { return senders_ * (senders_ - 1) * options_.messages; }

  double server_cpu() {
    double seconds = 0;
    if (!evsel_examples::read_cpu_seconds(static_cast<long>(options_.server_pid), seconds)) {
      fail("--server-pid: cannot read /proc/" + std::to_string(options_.server_pid) + "/stat");
    }
    return seconds;
  }

  std::string progress(const std::string& what) const {
    std::size_t complete = 0;
    const std::size_t expected = (senders_ - 1) * options_.messages;
    for (std::size_t i = 0; i < senders_; ++i) complete += clients_[i].received == expected;
    return what + ": " + std::to_string(connected_) + " connected, " + std::to_string(named_) +
           " named, " + std::to_string(complete) + " of " + std::to_string(senders_) +
           " clients got every line";
  }

  bool delivered() const {
    if (!talking_) return false;
    const std::size_t expected = (senders_ - 1) * options_.messages;
    for (std::size_t i = 0; i < senders_; ++i) {
      const client& c = clients_[i];
      if (c.received != expected || (options_.slow_reader && !c.saw_slow_cut)) return false;
    }
    return !options_.slow_reader || clients_.back().closed;
  }

  void start_connects() {
    while (next_connect_ < clients_.size() && next_connect_ - connected_ < max_connecting) {
      client& c = clients_[next_connect_++];
      std::error_code ec;
      c.socket = evsel::socket::open(options_.server.family(), evsel::protocol::tcp, ec);
      // A small receive window, so that the server's output to the slow client piles up
      // at the server instead of in this machine's socket buffers.
      if (!ec && c.slow) ec = c.socket.set_receive_buffer_size(4096);
      if (!ec) ec = poller_.add(c.socket, client_events, &c);
      if (!ec) ec = c.socket.connect(options_.server);
      if (ec) return fail(c.nick + ": connect: " + ec.message());
    }
  }

  void handle(client& c, const evsel::network_events& events) {
    if (events.has(event::connect)) {
      if (const std::error_code ec = events.error(event::connect)) {
        return fail(c.nick + ": connect: " + ec.message());
      }
      c.connected = true;
      ++connected_;
      queue(c, "/nick " + c.nick);
    }
    // The slow client reads only until it is named; after that its input piles up until
    // the server cuts it off.
    if (events.has(event::read | event::close)) {
      if (!c.slow || !c.named) {
        receive(c);
      } else if (slow_cut_) {
        drain_slow_client();
      }
    }
    if (events.has(event::close) && !c.slow) {
      return fail(c.nick + ": the server closed the connection " +
                  (events.error(event::close) ? events.error(event::close).message() : ""));
    }
    if (events.has(event::write)) flush(c);
  }

  void receive(client& c) {
    char buffer[64 * 1024];
    for (;;) {
      std::error_code ec;
      const std::size_t n = c.socket.recv(buffer, sizeof buffer, ec);
      if (ec == evsel::errc::would_block) return;
      if (ec || n == 0) {
        c.closed = true;
        if (!c.slow) fail(c.nick + ": connection lost: " + (ec ? ec.message() : "closed"));
        return;
      }
      // Every line in this piece arrived now: the time spent parsing the lines before it is
      // the load test's, not the server's.
      const clock::time_point arrived = clock::now();
      c.inbox.append(buffer, n);
      std::size_t start = 0;
      for (std::size_t end; (end = c.inbox.find('\n', start)) != std::string::npos;
           start = end + 1) {
        on_line(c, std::string_view(c.inbox).substr(start, end - start), arrived);
        if (c.slow && c.named) break;  // stops reading here, as a stuck client would
      }
      c.inbox.erase(0, start);
      if (c.slow && c.named) return;
    }
  }

  void on_line(client& c, std::string_view line, clock::time_point arrived) {
    if (line.rfind("<", 0) == 0) return on_message(c, line, arrived);
    if (line.rfind("! ", 0) == 0) return fail(c.nick + ": the server said: " + std::string(line));
    if (line.rfind("* ", 0) != 0) return fail(c.nick + ": unexpected line: " + std::string(line));
    if (line == "* you are now " + c.nick) {
      c.named = true;
      ++named_;
    } else if (line.rfind("* slow left (too slow", 0) == 0) {
      c.saw_slow_cut = true;
      if (!slow_cut_) {
        slow_cut_ = true;
        clients_.back().inbox.clear();
        drain_slow_client();
      }
    }
  }

  void on_message(client& c, std::string_view line, clock::time_point arrived) {
    // "<cJ> text"
    const std::size_t close = line.find("> ");
    std::size_t sender = senders_;
    if (close != std::string_view::npos && line.size() > 2 && line[1] == 'c') {
      sender = static_cast<std::size_t>(
          std::strtoull(std::string(line.substr(2, close - 2)).c_str(), nullptr, 10));
    }
    if (sender >= senders_ || &clients_[sender] == &c) {
      return fail(c.nick + ": a line from nobody it should hear: " + std::string(line));
    }
    std::size_t& next = c.next_from[sender];
    const std::string expected = message_text(next, options_.payload);
    if (next >= options_.messages || line.substr(close + 2) != expected) {
      return fail(c.nick + ": from c" + std::to_string(sender) + " expected \"" +
                  expected.substr(0, 40) + "\" (line " + std::to_string(next) + "), got \"" +
                  std::string(line.substr(0, 60)) + "\": lost, repeated or out of order");
    }
    const client& from = clients_[sender];
    if (next >= from.handed_over) {
      return fail(c.nick + ": got line " + std::to_string(next) + " of c" + std::to_string(sender) +
                  " before its last byte was sent");
    }
    latencies_.record(
        std::chrono::duration_cast<std::chrono::nanoseconds>(arrived - from.sent_at[next]));
    last_delivery_ = arrived;
    if (options_.server_pid != 0 && latencies_.count() == deliveries_expected()) {
      server_cpu_end_ = server_cpu();
    }
    ++next;
    ++c.received;
    if (options_.window != 0) pump(clients_[sender]);
  }

  void start_talking() {
    talking_ = true;
    // Just before the first send rather than after it: the server's work on that line counts.
    if (options_.server_pid != 0) server_cpu_start_ = server_cpu();
    for (std::size_t i = 0; i < senders_; ++i) pump(clients_[i]);
  }

  // Queues the sender's next lines, as many as its window allows.
  void pump(client& sender) {
    std::size_t limit = options_.messages;
    if (options_.window != 0) {
      // Everyone's progress with this sender's lines: the slowest reader (the slow client
      // aside) sets the pace, the way a person typing would.
      const auto index = static_cast<std::size_t>(&sender - clients_.data());
      std::size_t slowest = options_.messages;
      for (std::size_t i = 0; i < senders_; ++i) {
        if (i != index) slowest = std::min(slowest, clients_[i].next_from[index]);
      }
      limit = std::min(limit, slowest + options_.window);
    }
    while (sender.queued < limit) {
      const std::string text = message_text(sender.queued, options_.payload);
      sender.line_end[sender.queued] = sender.queued_bytes + text.size() + 1;
      ++sender.queued;
      queue(sender, text);
    }
  }

  void queue(client& c, const std::string& line) {
    c.outbox += line;
    c.outbox += '\n';
    c.queued_bytes += line.size() + 1;
    flush(c);
  }

  void flush(client& c) {
    // Pieces of random size, so that lines reach the server split at every possible place.
    std::uniform_int_distribution<std::size_t> piece(1, max_send_piece);
    while (c.connected && c.sent < c.outbox.size()) {
      const std::size_t size = std::min(piece(random_), c.outbox.size() - c.sent);
      std::error_code ec;
      const std::size_t n = c.socket.send(c.outbox.data() + c.sent, size, ec);
      if (ec == evsel::errc::would_block) return;  // the write event comes when there is room
      if (ec) return fail(c.nick + ": send: " + ec.message());
      c.sent += n;
      c.sent_bytes += n;
      if (c.handed_over < c.queued && c.line_end[c.handed_over] <= c.sent_bytes) hand_over(c);
    }
    c.outbox.clear();
    c.sent = 0;
  }

  // A line's latency runs from the return of the send call that took its last byte: from
  // then on only the kernel and the server move it.
  void hand_over(client& c) {
    const clock::time_point now = clock::now();
    if (first_sent_ == clock::time_point{}) first_sent_ = now;
    while (c.handed_over < c.queued && c.line_end[c.handed_over] <= c.sent_bytes) {
      c.sent_at[c.handed_over++] = now;
    }
  }

  // Once the others hear that the slow client was cut off, it reads again: the server must
  // have sent it the reason last, then closed the connection.
  void drain_slow_client() {
    client& slow = clients_.back();
    char buffer[64 * 1024];
    while (!slow.closed) {
      std::error_code ec;
      const std::size_t n = slow.socket.recv(buffer, sizeof buffer, ec);
      if (ec == evsel::errc::would_block) return;
      if (ec || n == 0) {
        slow.closed = true;
        const std::size_t reason = slow.inbox.rfind("! disconnected: too slow");
        if (reason == std::string::npos || (reason != 0 && slow.inbox[reason - 1] != '\n')) {
          fail("the slow client was disconnected without a reason; its last bytes: " +
               slow.inbox.substr(slow.inbox.size() > 200 ? slow.inbox.size() - 200 : 0));
        }
        return;
      }
      slow.inbox.append(buffer, n);  // only its end matters
      if (slow.inbox.size() > 8192) slow.inbox.erase(0, slow.inbox.size() - 4096);
    }
  }

  const load_options& options_;
  const std::size_t senders_;
  std::mt19937_64 random_;
  evsel::poller poller_;
  std::vector<client> clients_;
  std::size_t next_connect_ = 0;
  std::size_t connected_ = 0;
  std::size_t named_ = 0;
  bool talking_ = false;
  bool slow_cut_ = false;  // someone heard that the slow client was cut off
  clock::time_point deadline_;
  std::string failure_;
  evsel_examples::latency_histogram latencies_;
  clock::time_point first_sent_{};  // when the first line's last byte was sent
  clock::time_point last_delivery_{};
  double server_cpu_start_ = 0;  // seconds, with --server-pid
  double server_cpu_end_ = 0;
};

}  // namespace
}  // namespace evsel_chat_load

int main(int argc, char** argv) {
  using namespace evsel_chat_load;
  load_options options;
  const std::string error =
      parse_load_options(std::vector<std::string>(argv + 1, argv + argc), options);
  if (!error.empty()) {
    std::fprintf(stderr, "evsel-chat-load: %s\n%s", error.c_str(), load_usage());
    return 2;
  }
  if (options.server_pid != 0) {
    // Checked now rather than after the run, which may have taken minutes.
    double seconds = 0;
    if (!evsel_examples::read_cpu_seconds(static_cast<long>(options.server_pid), seconds)) {
      std::fprintf(stderr, "evsel-chat-load: --server-pid %llu: cannot read /proc/%llu/stat\n",
                   options.server_pid, options.server_pid);
      return 2;
    }
  }
  if (options.seed == 0) {
    options.seed = static_cast<unsigned long long>(clock::now().time_since_epoch().count()) | 1;
  }
  try {
    return load_run(options).run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "evsel-chat-load: %s\n", e.what());
    return 1;
  }
}
