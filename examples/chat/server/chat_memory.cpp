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
constexpr std::chrono::seconds stuck_after{5};

bool native_backend() noexcept {
  return std::string_view(poller::backend_name()) == "win";
}

}  // namespace

std::size_t chat_server::measured_session_overhead() noexcept {
  return native_backend() ? 20 * 1024 : 2 * 1024;
}

std::size_t chat_server::unseen_memory_share() noexcept {
  return native_backend() ? 4 : 6;
}

// A session's charge: its state, its buffers' memory, and the kernel buffers it may fill: a
// full send buffer while it has output waiting (output waits only once the kernel's buffer
// is full), a full receive buffer while its input comes faster than one turn reads.
void chat_server::recharge(session& s) {
  std::size_t now = 0;
  if (s.phase != session_phase::closed) {
    now = session_overhead_ + s.out.footprint() + s.framer.footprint() +
          (s.unsent() != 0 ? kernel_send_buffer_ : 0) +
          (s.input_waiting ? kernel_receive_buffer_ : 0);
  }
  budget_.recharge(s.charged, now);
}

// What cutting the session off gives back: everything but its state.
std::size_t chat_server::releasable(const session& s) const noexcept {
  return s.charged - std::min(s.charged, session_overhead_);
}

void chat_server::check_memory() {
  if (budget_.exceeded() && budget_.used() >= shed_again_at_) shed_memory();
}

// The first to go when memory runs short: a client whose queue has not moved for five
// seconds (it does not read: a slow reader on a bad link takes some of it now and then), or
// one holding an unfinished line of some size (lines are short).
bool chat_server::expendable(const session& s, clock::time_point now) const noexcept {
  return (s.unsent() != 0 && now - s.last_progress >= stuck_after) ||
         s.framer.pending() >= least_worth_shedding;
}

void chat_server::pause_reading(session& s) {
  if (s.paused) return;
  s.paused = true;
  paused_.push_back(s.id);
  plan_deadline(s);  // its line's clock stops
  need_chores();     // which shed memory for the paused if nothing else makes room
}

// After a batch: the members paused for lack of room are read again, oldest first, while
// there is room (reading one may use it up and pause the rest again).
void chat_server::resume_reading() {
  if (paused_.empty() || budget_.room() == 0) return;
  std::vector<session_id> waiting;
  waiting.swap(paused_);
  const auto now = clock::now();
  for (const session_id id : waiting) {
    session* s = find(id);
    if (s == nullptr || !s->paused) continue;
    s->paused = false;
    if (s->phase == session_phase::closed) continue;
    // The time it waited was the server's: its line's clock starts again.
    if (s->line_open) s->line_started = now;
    plan_deadline(*s);
    read_from(*s);
  }
  finish_batch();
}

// First every queue goes to the kernel: readers that keep up take theirs. Then clients are
// cut off, the expendable ones first (they do not read, or hold an unfinished line), the
// biggest first, until usage is down to the low-water mark; clients that read but are slow
// only while usage is over the limit itself (reading stops at the high-water mark, so little
// else gets there). Readers that keep up hold little, so they are the last ever chosen.
void chat_server::shed_memory() {
  for (auto& entry : sessions_) {
    session& s = entry.second;
    if (s.phase == session_phase::closed || s.doomed || s.unsent() == 0) continue;
    if (const std::error_code ec = send_queued(s)) {
      doom(s, "connection lost: " + ec.message(), false);
    }
  }
  // Sessions doomed already give theirs back at the end of this batch.
  const auto now = clock::now();
  std::size_t usage = budget_.used();
  struct candidate {
    bool expendable;
    std::size_t bytes;
    session_id id;
  };
  std::vector<candidate> candidates;
  for (const auto& entry : sessions_) {
    const session& s = entry.second;
    if (s.phase == session_phase::closed) continue;
    if (s.doomed) {
      usage -= std::min(usage, releasable(s));
    } else if (releasable(s) >= least_worth_shedding) {
      candidates.push_back({expendable(s, now), releasable(s), s.id});
    }
  }
  if (usage <= budget_.low_water()) return;
  std::sort(candidates.begin(), candidates.end(), [](const candidate& a, const candidate& b) {
    return a.expendable != b.expendable ? a.expendable : a.bytes > b.bytes;
  });
  const std::size_t before = usage;
  std::size_t cut = 0;
  for (const candidate& c : candidates) {
    const std::size_t goal = c.expendable ? budget_.low_water() : budget_.limit();
    if (usage <= goal) break;
    ++cut;
    session& s = *find(c.id);
    const bool output = s.unsent() >= s.framer.pending();
    doom(s,
         output ? "too slow: the server's memory for waiting lines is spent"
                : "unfinished line too large for the server's memory",
         true);
    s.drop_unsent_lines();
    recharge(s);
    usage -= std::min(usage, c.bytes);
  }
  if (cut != 0) {
    log_.note("memory budget spent (" + std::to_string(before >> 20) + " of " +
              std::to_string(budget_.limit() >> 20) + " MiB): cutting off the " +
              std::to_string(cut) + " clients holding most");
  }
  // Not enough worth shedding: not again before usage has grown by a sixteenth, or before
  // the chores.
  if (usage > budget_.low_water()) {
    shed_again_at_ = budget_.used() + budget_.limit() / 16;
    need_chores();
  }
}

}  // namespace evsel::chat
