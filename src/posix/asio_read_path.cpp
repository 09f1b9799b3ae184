// SPDX-License-Identifier: MIT
// evsel: the POSIX backend's read path: the input state of a socket and the looks that
// start a connection's read wait late, or not at all.
#include <algorithm>
#include <cstdint>

#include "../assert.hpp"
#include "asio_backend.hpp"
#include "asio_registration.hpp"
#include "posix_probes.hpp"

namespace evsel::detail {
namespace {

// Looks in a row that may find nothing before a connection's read wait is armed. Until
// then the connection is listed again for the next run instead: Asio registers every
// descriptor with epoll (kqueue) for input once, edge-triggered, and an arrival on it ends
// a blocked run even with no wait outstanding (the conformance case "Data after a recv made
// while another thread waits ends that wait" holds evsel to it). So a busy connection,
// whose next data usually comes within a run or two, is found by the run's one poll()
// without the epoll_ctl that arming costs; one that stays quiet is armed after that.
constexpr std::uint8_t relooks = 2;
// A look again costs the next run's poll() a little when it looks at others too; alone, it
// costs that poll() whole, more than arming does.
constexpr std::size_t shared_look = 2;

// The tables of asio_registration.hpp.
[[maybe_unused]] bool input_move_allowed(input_state from, input_state to) noexcept {
  if (from == to) return true;
  switch (from) {
    case input_state::unknown:
      return to == input_state::look_due || to == input_state::waiting ||
             to == input_state::queued || to == input_state::ended;
    case input_state::look_due:
    case input_state::woken:
      return to == input_state::look_due || to == input_state::arm_now ||
             to == input_state::queued || to == input_state::ended;
    case input_state::arm_now:
      return to == input_state::waiting || to == input_state::unknown ||
             to == input_state::queued || to == input_state::ended;
    case input_state::waiting:
      return to == input_state::unknown || to == input_state::woken || to == input_state::queued ||
             to == input_state::ended;
    case input_state::queued:
      return to == input_state::unknown;
    case input_state::ended:
      return false;
  }
  return false;
}

[[maybe_unused]] bool urgent_move_allowed(urgent_state from, urgent_state to) noexcept {
  return from == to || to != urgent_state::waiting || from == urgent_state::unknown;
}

}  // namespace

void backend::move_input(asio_registration& r, input_state to) noexcept {
  EVSEL_ASSERT(input_move_allowed(r.input, to),
               "a move of the input state outside the table of asio_registration.hpp");
  r.input = to;
}

void backend::move_urgent(asio_registration& r, urgent_state to) noexcept {
  EVSEL_ASSERT(urgent_move_allowed(r.urgent, to),
               "a move of the urgent state outside the table of asio_registration.hpp");
  r.urgent = to;
}

void backend::plan_read_wait(asio_registration& r) noexcept {
  switch (r.input) {
    case input_state::unknown:
      // Nothing known since the last re-enabling call. Arming a connection's read wait
      // costs a system call (Asio re-arms with epoll_ctl), and a busy connection often has
      // new data by the time the application waits again: it is looked at first, at the
      // next run, with the others due then (one poll for all). A wait from before that a
      // look overtook still stands and serves. Listeners and UDP sockets wait at once.
      // A call on another thread while a run blocks arms at once: a look listed now would
      // wait for an arrival to end that block, and none may come (the end of the stream
      // can have arrived while data was still queued, reported by the edge-triggered
      // reactor then; the recv that took the last bytes makes the close due). Arming asks
      // the reactor again, which reports what already holds.
      if (reads_by_look(*r.socket) && !r.waiting[wait_read] && !blocks_elsewhere()) {
        list_for_look(r, input_state::look_due);
      } else {
        start_wait(r, wait_read);
      }
      return;
    case input_state::arm_now:
      // This run looked and found nothing, or skipped a look that keeps finding nothing:
      // another look would only find the same.
      start_wait(r, wait_read);
      return;
    case input_state::look_due:
    case input_state::woken:
      // Listed: the look at the start of the next run decides.
      return;
    case input_state::waiting:
      // Armed: the reactor says when something comes.
      return;
    case input_state::queued:
      // Recorded, or delivered and disabled: a wait would complete at once, over and over.
      // The re-enabling call looks again.
      return;
    case input_state::ended:
      // Nothing arrives after the end of a stream.
      return;
  }
}

void backend::forgo_read_wait(asio_registration& r) noexcept {
  // Nothing to wait for (read and close disabled or not selected): what this run's look
  // knew goes stale, so the wait, once wanted again, starts after a look.
  if (r.input == input_state::arm_now) move_input(r, input_state::unknown);
}

void backend::list_for_look(asio_registration& r, input_state why) noexcept {
  EVSEL_ASSERT(why == input_state::look_due || why == input_state::woken,
               "a connection is listed only to be looked at");
  EVSEL_ASSERT(!r.waiting[wait_read], "a listed connection has no read wait outstanding");
  move_input(r, why);
  if (r.listed) return;
  r.listed = true;
  r.listed_next = nullptr;
  (listed_tail_ != nullptr ? listed_tail_->listed_next : listed_head_) = &r;
  listed_tail_ = &r;
}

void backend::look_at_listed() noexcept {
  // Taken whole: what is listed while it is worked through waits for the next run.
  asio_registration* head = listed_head_;
  listed_head_ = listed_tail_ = nullptr;
  looked_at_.clear();
  looks_.clear();
  while (head != nullptr) {
    asio_registration& r = *head;
    head = r.listed_next;
    r.listed_next = nullptr;
    r.listed = false;
    if (r.socket == nullptr) continue;  // detached
    // Another look found data or the end since it was listed: nothing to look at.
    if (r.input != input_state::look_due && r.input != input_state::woken) continue;
    if (r.input == input_state::look_due && r.looks_to_skip > 0) {
      // A quiet connection (a request and its answer at a time): its looks keep finding
      // nothing, so most of its waits start at once; a look now and then notices a change.
      --r.looks_to_skip;
      move_input(r, input_state::arm_now);
      rearm(r);
      continue;
    }
    looked_at_.push_back(&r);  // within the room reserved by attach
    looks_.push_back(pollfd{r.socket->handle, 0, 0});
  }
  if (looks_.empty()) return;
  // One poll() looks at all of them: for a busy connection it says "data", and the read
  // event is recorded without a system call of its own.
  const bool polled = posix::poll_inputs(looks_.data(), looks_.size());
  for (std::size_t i = 0; i < looked_at_.size(); ++i) {
    look_then_arm(*looked_at_[i],
                  polled ? posix::input_hint_of(looks_[i]) : posix::input_hint::unsure);
  }
}

void backend::look_then_arm(asio_registration& r, posix::input_hint hint) noexcept {
  const socket_state& s = *r.socket;
  if (hint == posix::input_hint::data && !s.receive_shut) move_input(r, input_state::queued);
  // Certain data is recorded as such; an end of stream or an error takes a peek.
  if (hint != posix::input_hint::empty) evaluate(r, event::read | event::close, look_origin::call);
  const bool found = r.input == input_state::queued || s.peer_closed;
  r.looks_missed = found ? 0 : static_cast<std::uint8_t>(std::min(r.looks_missed + 1, 4));
  r.looks_to_skip = static_cast<std::uint8_t>((1U << r.looks_missed) - 1);
  if (r.input == input_state::look_due || r.input == input_state::woken) {
    if (r.looks_missed <= relooks && looks_.size() >= shared_look) {
      list_for_look(r, input_state::look_due);
      rearm(r);
      return;
    }
    move_input(r, input_state::arm_now);  // nothing found
  }
  rearm(r);
}

void backend::unlist_detached() noexcept {
  // Detached connections in the look list: look_at_listed would skip them, but the engine
  // may free them only once they are off it.
  asio_registration** link = &listed_head_;
  listed_tail_ = nullptr;
  while (asio_registration* r = *link) {
    if (r->socket == nullptr) {
      *link = r->listed_next;
      r->listed_next = nullptr;
      r->listed = false;
    } else {
      listed_tail_ = r;
      link = &r->listed_next;
    }
  }
}

}  // namespace evsel::detail
