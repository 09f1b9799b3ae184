// SPDX-License-Identifier: MIT
// evsel chat server: the memory budget: what each session holds, and shedding the clients
// furthest behind when the total is spent.
#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "chat_server.hpp"

namespace evsel::chat {
namespace {

// Below this, a client's backlog is not worth cutting it off for.
constexpr std::size_t least_worth_shedding = 4 * 1024;

}  // namespace

std::size_t chat_server::session_overhead() noexcept {
  static const std::size_t bytes =
      std::string_view(poller::backend_name()) == "win" ? 20 * 1024 : 2 * 1024;
  return bytes;
}

// A session's charge: its state, its buffers' memory, and the kernel buffers it may fill: a
// full send buffer while it has output waiting (output waits only once the kernel's buffer
// is full), a full receive buffer while its input comes faster than one turn reads.
void chat_server::recharge(session& s) {
  std::size_t now = 0;
  if (s.phase != session_phase::closed) {
    now = session_overhead() + s.out.footprint() + s.framer.footprint() +
          (s.unsent() != 0 ? kernel_send_buffer_ : 0) +
          (s.input_waiting ? kernel_receive_buffer_ : 0);
  }
  budget_.recharge(s.charged, now);
}

// What cutting the session off gives back: everything but its state.
std::size_t chat_server::releasable(const session& s) const noexcept {
  return s.charged - std::min(s.charged, session_overhead());
}

void chat_server::check_memory() {
  if (budget_.exceeded() && budget_.used() >= shed_again_at_) shed_memory();
}

// First every queue goes to the kernel: readers that keep up take theirs. Then the clients
// holding most are cut off, the biggest first (their output dropped at once, their partial
// line when the cut-off is carried out), until usage is down to the low-water mark. Readers
// that keep up hold little, so they are the last ever chosen: while others hold more, they
// lose nothing.
void chat_server::shed_memory() {
  for (auto& entry : sessions_) {
    session& s = entry.second;
    if (s.phase == session_phase::closed || s.doomed || s.unsent() == 0) continue;
    if (const std::error_code ec = s.flush()) doom(s, "connection lost: " + ec.message(), false);
    recharge(s);
  }
  // Sessions doomed already give theirs back at the end of this batch.
  std::size_t usage = budget_.used();
  std::vector<std::pair<std::size_t, session_id>> candidates;
  for (const auto& entry : sessions_) {
    const session& s = entry.second;
    if (s.phase == session_phase::closed) continue;
    if (s.doomed) {
      usage -= std::min(usage, releasable(s));
    } else if (releasable(s) >= least_worth_shedding) {
      candidates.emplace_back(releasable(s), s.id);
    }
  }
  if (usage <= budget_.low_water()) return;
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  const std::size_t before = usage;
  std::size_t cut = 0;
  for (const auto& [bytes, id] : candidates) {
    if (usage <= budget_.low_water()) break;
    ++cut;
    session& s = *find(id);
    const bool output = s.unsent() >= s.framer.pending();
    doom(s,
         output ? "too slow: the server's memory for waiting lines is spent"
                : "unfinished line too large for the server's memory",
         true);
    s.drop_unsent_lines();
    recharge(s);
    usage -= std::min(usage, bytes);
  }
  log_.note("memory budget spent (" + std::to_string(before >> 20) + " of " +
            std::to_string(budget_.limit() >> 20) + " MiB): cutting off the " +
            std::to_string(cut) + " clients holding most");
  // Not enough worth shedding: not again before usage has grown by a sixteenth.
  if (usage > budget_.low_water()) shed_again_at_ = budget_.used() + budget_.limit() / 16;
}

}  // namespace evsel::chat
