// SPDX-License-Identifier: MIT
// evsel: the model-based fuzzer's driver (see model_run.hpp).
#include "model_run.hpp"

#include <array>
#include <chrono>
#include <random>
#include <stdexcept>

#include <evsel/evsel.hpp>

#include "fd_model.hpp"
#include "source_model.hpp"

namespace evsel_model {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using evsel::errc;

constexpr std::size_t listener_slot = 0;
constexpr std::size_t first_connection_slot = 1;
constexpr std::size_t connector_slot = 4;
constexpr std::size_t slot_count = 5;

// Thrown to end a run; carries why.
struct model_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& why) {
  throw model_failure(why);
}

void check(const std::error_code& ec, const char* what) {
  if (ec) fail(std::string(what) + ": " + ec.message());
}

// The byte at position `index` of a stream; the salt tells the streams apart.
char pattern(std::size_t index, unsigned salt) {
  return static_cast<char>((index * 131 + salt * 29 + 7) & 0xff);
}

void* slot_context(std::size_t slot) {
  return reinterpret_cast<void*>(slot + 1);
}

std::size_t context_slot(const void* context) {
  return reinterpret_cast<std::size_t>(context) - 1;
}

// Waits until `s` (on no other poller) reports one of `mask`, for at most `timeout`.
evsel::network_events wait_alone(evsel::socket& s,
                                 evsel::event mask,
                                 clock_type::duration timeout) {
  evsel::poller poller;
  check(poller.add(s, mask, nullptr), "add for a private wait");
  evsel::ready_record record;
  std::error_code ec;
  const auto until = clock_type::now() + timeout;
  while (clock_type::now() < until) {
    if (poller.wait(&record, 1, 50ms, ec) == 1) break;
    check(ec, "private wait");
  }
  check(poller.remove(s), "remove after a private wait");
  return record;
}

struct live_slot {
  evsel::socket ours;
  evsel::socket peer;
  std::size_t received = 0;  // of the peer's stream, by ours
  std::size_t peer_sent = 0;
  bool accepted_peer_pending = false;  // connector: its peer is still in the listener's queue
};

class driver {
 public:
  driver(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {
    std::error_code ec;
    const auto loopback = evsel::endpoint::loopback(evsel::address_family::ipv4, 0);
    listener_ = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp, ec);
    check(ec, "open the listener");
    check(listener_.bind(loopback), "bind the listener");
    check(listener_.listen(), "listen");
    factory_ = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp, ec);
    check(ec, "open the pair factory");
    check(factory_.bind(loopback), "bind the pair factory");
    check(factory_.listen(), "listen on the pair factory");
    model_[listener_slot].kind = slot_kind::listener;
    model_[listener_slot].open = true;
    for (std::size_t i = first_connection_slot; i < connector_slot; ++i) reopen(i);
    model_[connector_slot].kind = slot_kind::connector;
  }

  void run(std::size_t& steps) {
    while (position_ < size_) {
      step();
      ++steps;
    }
    settle();
  }

  const std::string& trace() const { return trace_; }

 private:
  std::uint8_t next() { return position_ < size_ ? data_[position_++] : 0; }

  void note(const std::string& what) {
    trace_ += what;
    trace_ += '\n';
  }

  std::string slot_name(std::size_t slot) const { return "slot " + std::to_string(slot); }

  event mask_from(std::uint8_t bits) const { return static_cast<event>(bits) & evsel::all_events; }

  evsel::socket& socket_of(std::size_t slot) {
    return slot == listener_slot ? listener_ : live_[slot].ours;
  }

  void step() {
    const std::uint8_t op = next() % 20;
    const std::size_t slot = next() % slot_count;
    const std::uint8_t argument = next();
    if (op >= 16)
      return sources_.step(static_cast<std::uint8_t>((op - 16) * 2 + slot % 2), argument);
    slot_state& m = model_[slot];
    switch (op) {
      case 0:
      case 1:
        return register_slot(slot, mask_from(argument));
      case 2:
        if (!m.registered) return;
        note(slot_name(slot) + ": remove");
        check(poller_.remove(socket_of(slot)), "remove");
        m.registered = false;
        return;
      case 3:
        return receive(slot, 1 + argument * 37u);
      case 4:
        return send(slot, (argument % 32 + 1) * 8192u);
      case 5:
        return peer_send(slot, 1 + argument * 61u);
      case 6:
        return peer_shutdown(slot);
      case 7:
        return peer_reset(slot);
      case 8:
        (void)peer_drain(slot);
        return;
      case 9:
        return accept();
      case 10:
        return connect(mask_from(argument));
      case 11:
        return close(slot);
      case 12:
        if (slot >= first_connection_slot && slot < connector_slot && !m.open) reopen(slot);
        return;
      case 13:
        note("wake");
        poller_.wake();
        return;
      case 14:
      case 15:
        return wait(1 + argument % 4, std::chrono::milliseconds(argument % 3 * 5));
    }
  }

  void register_slot(std::size_t slot, event mask) {
    slot_state& m = model_[slot];
    if (!m.open) return;
    if (m.registered) {
      note(slot_name(slot) + ": modify " + evsel::to_string(mask));
      check(poller_.modify(socket_of(slot), mask), "modify");
    } else {
      note(slot_name(slot) + ": add " + evsel::to_string(mask));
      check(poller_.add(socket_of(slot), mask, slot_context(slot)), "add");
      m.registered = true;
    }
    m.mask = mask;
  }

  void receive(std::size_t slot, std::size_t size) {
    slot_state& m = model_[slot];
    if (slot == listener_slot || !m.open) return;
    live_slot& l = live_[slot];
    std::vector<char> buffer(size);
    std::error_code ec;
    const std::size_t n = l.ours.recv(buffer.data(), buffer.size(), ec);
    note(slot_name(slot) + ": recv " + std::to_string(size) + " -> " + std::to_string(n) +
         (ec ? " " + ec.message() : std::string()));
    m.disabled &= ~(event::read | event::oob);  // every recv re-enables read
    if (ec == errc::would_block || ec == errc::not_connected) return;
    if (ec == errc::connection_reset || ec == errc::connection_aborted) {
      if (!m.peer_reset) fail(slot_name(slot) + ": recv failed with a reset nobody made");
      m.unread = 0;  // a reset may take unread data with it
      return;
    }
    check(ec, "recv");
    if (n == 0) {
      if (!m.peer_fin && !m.peer_reset) fail(slot_name(slot) + ": end of stream, no close");
      if (m.unread != 0 && !m.peer_reset) {
        fail(slot_name(slot) + ": end of stream with " + std::to_string(m.unread) +
             " bytes never received");
      }
      m.unread = 0;
      return;
    }
    if (n > m.unread) fail(slot_name(slot) + ": received more than the peer sent");
    for (std::size_t i = 0; i < n; ++i) {
      if (buffer[i] != pattern(l.received + i, static_cast<unsigned>(slot))) {
        fail(slot_name(slot) + ": byte " + std::to_string(l.received + i) + " corrupted");
      }
    }
    l.received += n;
    m.unread -= n;
  }

  void send(std::size_t slot, std::size_t size) {
    slot_state& m = model_[slot];
    if (slot == listener_slot || !m.open) return;
    live_slot& l = live_[slot];
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
      data[i] = pattern(m.sent + i, 100 + static_cast<unsigned>(slot));
    std::error_code ec;
    const std::size_t n = l.ours.send(data.data(), data.size(), ec);
    note(slot_name(slot) + ": send " + std::to_string(size) + " -> " + std::to_string(n) +
         (ec ? " " + ec.message() : std::string()));
    m.sent += n;
    if (n < size) m.space_known = false;
    if (ec == errc::would_block) {
      m.disabled &= ~event::write;  // the one call that re-enables write
      return;
    }
    if (ec == errc::not_connected) return;
    if (ec == errc::connection_reset || ec == errc::connection_aborted) {
      if (!m.peer_reset) fail(slot_name(slot) + ": send failed with a reset nobody made");
      return;
    }
    check(ec, "send");
  }

  void peer_send(std::size_t slot, std::size_t size) {
    slot_state& m = model_[slot];
    if (slot == listener_slot || !m.has_peer || m.peer_fin || m.peer_reset) return;
    live_slot& l = live_[slot];
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
      data[i] = pattern(l.peer_sent + i, static_cast<unsigned>(slot));
    std::error_code ec;
    const std::size_t n = l.peer.send(data.data(), data.size(), ec);
    note(slot_name(slot) + ": peer sends " + std::to_string(size) + " -> " + std::to_string(n));
    if (ec && ec != errc::would_block) check(ec, "peer send");
    l.peer_sent += n;
    m.unread += n;
  }

  void peer_shutdown(std::size_t slot) {
    slot_state& m = model_[slot];
    if (slot == listener_slot || !m.has_peer || m.peer_fin || m.peer_reset) return;
    note(slot_name(slot) + ": peer shuts down sending");
    check(live_[slot].peer.shutdown(evsel::shutdown_mode::send), "peer shutdown");
    m.peer_fin = true;
  }

  void peer_reset(std::size_t slot) {
    slot_state& m = model_[slot];
    if (slot == listener_slot || !m.has_peer) return;
    note(slot_name(slot) + ": peer resets");
    live_slot& l = live_[slot];
    check(l.peer.set_linger(true, std::chrono::seconds(0)), "peer linger");
    check(l.peer.close(), "peer close");
    m.has_peer = false;
    m.peer_reset = true;
  }

  // The peer reads what has arrived; returns whether it got anything.
  bool peer_drain(std::size_t slot) {
    slot_state& m = model_[slot];
    if (slot == listener_slot || !m.has_peer) return false;
    live_slot& l = live_[slot];
    char buffer[65536];
    bool got = false;
    for (;;) {
      std::error_code ec;
      const std::size_t n = l.peer.recv(buffer, sizeof buffer, ec);
      if (ec == errc::would_block || ec == errc::not_connected || (!ec && n == 0)) break;
      if (ec == errc::connection_reset || ec == errc::connection_aborted) break;
      check(ec, "peer recv");
      for (std::size_t i = 0; i < n; ++i) {
        if (buffer[i] != pattern(m.peer_received + i, 100 + static_cast<unsigned>(slot))) {
          fail(slot_name(slot) + ": our byte " + std::to_string(m.peer_received + i) +
               " reached the peer corrupted");
        }
      }
      m.peer_received += n;
      got = true;
    }
    if (got) note(slot_name(slot) + ": peer drained to " + std::to_string(m.peer_received));
    if (m.peer_received > m.sent) fail(slot_name(slot) + ": the peer got more than was sent");
    return got;
  }

  void accept() {
    slot_state& m = model_[listener_slot];
    std::error_code ec;
    evsel::socket accepted = listener_.accept(ec);
    note(std::string("accept -> ") + (ec ? ec.message() : "a connection"));
    m.disabled &= ~event::accept;
    if (ec == errc::would_block) return;
    check(ec, "accept");
    if (m.pending_sure > 0) {
      --m.pending_sure;
    } else if (m.pending_maybe > 0) {
      --m.pending_maybe;
    } else {
      fail("accept returned a connection nobody made");
    }
    live_slot& c = live_[connector_slot];
    if (c.accepted_peer_pending && model_[connector_slot].open) {
      c.peer = std::move(accepted);
      c.accepted_peer_pending = false;
      model_[connector_slot].has_peer = true;
    }
  }

  void connect(event mask) {
    slot_state& m = model_[connector_slot];
    const slot_state& l = model_[listener_slot];
    if (m.open || l.pending_sure + l.pending_maybe > 0) return;
    note("connector: connect, add " + evsel::to_string(mask));
    std::error_code ec;
    live_slot& c = live_[connector_slot];
    c = live_slot{};
    c.ours = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp, ec);
    check(ec, "open the connector");
    check(poller_.add(c.ours, mask, slot_context(connector_slot)), "add the connector");
    ec = c.ours.connect(listener_.local_endpoint(ec));
    if (ec && ec != errc::would_block && ec != errc::connection_in_progress) check(ec, "connect");
    m = slot_state{};
    m.kind = slot_kind::connector;
    m.open = true;
    m.registered = true;
    m.mask = mask;
    m.connected = true;
    c.accepted_peer_pending = true;
    ++model_[listener_slot].pending_sure;
  }

  void close(std::size_t slot) {
    slot_state& m = model_[slot];
    if (slot == listener_slot || !m.open) return;
    note(slot_name(slot) + ": close");
    live_slot& l = live_[slot];
    check(l.ours.close(), "close");
    if (l.peer.is_open()) check(l.peer.close(), "peer close");
    if (slot == connector_slot && l.accepted_peer_pending) {
      // Its connection may still be queued, or the OS may drop it now.
      slot_state& listener = model_[listener_slot];
      --listener.pending_sure;
      ++listener.pending_maybe;
    }
    l = live_slot{};
    const slot_kind kind = m.kind;
    m = slot_state{};
    m.kind = kind;
  }

  void reopen(std::size_t slot) {
    note(slot_name(slot) + ": new connection");
    live_slot& l = live_[slot];
    l = live_slot{};
    std::error_code ec;
    l.peer = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp, ec);
    check(ec, "open a peer");
    ec = l.peer.connect(factory_.local_endpoint(ec));
    if (ec && ec != errc::would_block && ec != errc::connection_in_progress) check(ec, "connect");
    if (!wait_alone(factory_, event::accept, 5s).has(event::accept)) fail("no connection to take");
    l.ours = factory_.accept(ec);
    check(ec, "accept a new connection");
    if (!wait_alone(l.peer, event::connect, 5s).has(event::connect))
      fail("the peer never connected");
    slot_state& m = model_[slot];
    m = slot_state{};
    m.kind = slot_kind::connection;
    m.open = true;
    m.connected = true;
    m.has_peer = true;
  }

  void wait(std::size_t capacity, std::chrono::milliseconds timeout) {
    std::array<evsel::ready_record, 4> records;
    std::error_code ec;
    const std::size_t n = poller_.wait(records.data(), capacity, timeout, ec);
    check(ec, "wait");
    for (std::size_t i = 0; i < n; ++i) take(records[i]);
  }

  void take(const evsel::ready_record& r) {
    if (source_model::owns(r.context)) {
      note("reported " + evsel::to_string(r.occurred));
      const std::string why = sources_.deliver(r);
      if (!why.empty()) fail(why);
      return;
    }
    const std::size_t slot = context_slot(r.context);
    note(slot_name(slot) + ": reported " + evsel::to_string(r.occurred));
    if (slot >= slot_count || !model_[slot].registered) fail("a record for no registered slot");
    if (r.has(event::connect) && r.error(event::connect)) {
      fail(slot_name(slot) + ": connect failed: " + r.error(event::connect).message());
    }
    const std::string why = deliver(model_[slot], r.occurred);
    if (!why.empty()) fail(slot_name(slot) + ": " + why);
  }

  // Lets the network settle, then every event that must come has to.
  void settle() {
    note("settle");
    // The peers read until everything sent to them has arrived, so that send buffers are
    // empty and write must come where a send would block.
    const auto drained_by = clock_type::now() + 5s;
    for (;;) {
      bool pending = false;
      for (std::size_t slot = first_connection_slot; slot < slot_count; ++slot) {
        slot_state& m = model_[slot];
        peer_drain(slot);
        if (m.has_peer && m.peer_received < m.sent) pending = true;
        if (m.has_peer && m.peer_received == m.sent) m.space_known = true;
      }
      if (!pending || clock_type::now() > drained_by) break;
      wait(4, 10ms);
    }
    const auto until = clock_type::now() + 5s;
    for (;;) {
      std::string missing;
      for (std::size_t slot = 0; slot < slot_count; ++slot) {
        const event must = must_report(model_[slot]);
        if (must != event::none) missing += " " + slot_name(slot) + ": " + evsel::to_string(must);
      }
      const std::string sources_owed = sources_.owed();
      if (!sources_owed.empty()) missing += " sources:" + sources_owed;
      if (missing.empty()) return;
      if (clock_type::now() > until) fail("never reported after settling:" + missing);
      wait(4, 50ms);
    }
  }

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t position_ = 0;
  evsel::poller poller_;
  evsel::socket listener_;
  evsel::socket factory_;
  std::array<slot_state, slot_count> model_{};
  std::array<live_slot, slot_count> live_{};
  std::string trace_;
  source_model sources_{poller_, [this](const std::string& what) { note(what); }};
};

}  // namespace

run_result run_operations(const std::uint8_t* data, std::size_t size) {
  run_result result;
  std::string trace;
  try {
    driver d(data, size);
    try {
      d.run(result.steps);
    } catch (const std::exception& e) {  // a model_failure, or a failed call of source_model
      result.ok = false;
      result.failure = std::string(e.what()) + "\nafter:\n" + d.trace();
    }
  } catch (const std::exception& e) {
    result.ok = false;
    result.failure = e.what();
  }
  return result;
}

std::vector<std::uint8_t> operations_for_seed(std::uint64_t seed, std::size_t length) {
  std::mt19937_64 random(seed);
  std::vector<std::uint8_t> bytes(length);
  for (std::uint8_t& b : bytes) b = static_cast<std::uint8_t>(random());
  return bytes;
}

}  // namespace evsel_model
