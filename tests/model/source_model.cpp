// SPDX-License-Identifier: MIT
// evsel: the model-based fuzzer's user event and timer (see source_model.hpp).
#include "source_model.hpp"

#include <stdexcept>
#include <thread>
#include <utility>

namespace evsel_model {
namespace {

using evsel::event;

void* const event_context = reinterpret_cast<void*>(std::uintptr_t{0x1000});
void* const timer_context = reinterpret_cast<void*>(std::uintptr_t{0x2000});

void check(const std::error_code& ec, const char* what) {
  if (ec) throw std::runtime_error(std::string(what) + ": " + ec.message());
}

}  // namespace

source_model::source_model(evsel::poller& poller, note_function note)
    : poller_(poller), note_(std::move(note)) {}

bool source_model::owns(const void* context) {
  return context == event_context || context == timer_context;
}

void source_model::step(std::uint8_t operation, std::uint8_t argument) {
  switch (operation % 8) {
    case 0:
      return toggle_event_registration();
    case 1:
      note_("user event: set");
      check(event_.set(), "set");
      event_model_.set = true;
      return;
    case 2:
      note_("user event: reset");
      check(event_.reset(), "reset");
      event_model_.set = false;
      event_model_.disabled = false;  // the re-enabling call, which also takes back (T3)
      return;
    case 3:
      // From another thread, as a program's worker would (T6).
      note_("user event: set from another thread");
      std::thread([this] { (void)event_.set(); }).join();
      event_model_.set = true;
      return;
    case 4:
      return toggle_timer_registration();
    case 5:
      return arm(argument);
    case 6:
      note_("timer: disarm");
      check(timer_.disarm(), "disarm");
      timer_model_.expiry_to_come = false;
      timer_model_.disabled = false;
      timer_model_.reported_since_take = false;
      return;
    default:
      return take();
  }
}

void source_model::toggle_event_registration() {
  if (event_model_.registered) {
    note_("user event: remove");
    check(poller_.remove(event_), "remove the user event");
    event_model_.registered = false;
    return;
  }
  note_("user event: add");
  check(poller_.add(event_, event_context), "add the user event");
  event_model_.registered = true;
  event_model_.disabled = false;  // belongs to the registration (T7)
}

void source_model::toggle_timer_registration() {
  if (timer_model_.registered) {
    note_("timer: remove");
    check(poller_.remove(timer_), "remove the timer");
    timer_model_.registered = false;
    return;
  }
  note_("timer: add");
  check(poller_.add(timer_, timer_context), "add the timer");
  timer_model_.registered = true;
  timer_model_.disabled = false;
}

void source_model::arm(std::uint8_t argument) {
  const auto after = std::chrono::milliseconds(argument % 40);
  const auto period = argument % 3 == 0 ? std::chrono::milliseconds(3 + argument % 23)
                                        : std::chrono::milliseconds(0);
  note_("timer: arm " + std::to_string(after.count()) + " ms, period " +
        std::to_string(period.count()) + " ms");
  const clock::time_point before = clock::now();
  check(timer_.arm(after, period), "arm");
  timer_model_.first_due = before + after;  // the timer's own is at or after this
  timer_model_.period = period;
  timer_model_.earliest = timer_model_.first_due;
  timer_model_.expiry_to_come = true;
  timer_model_.disabled = false;
  timer_model_.reported_since_take = false;
}

void source_model::take() {
  const clock::time_point before = clock::now();
  const std::uint64_t count = timer_.take_expirations();
  const clock::time_point after = clock::now();
  note_("timer: take_expirations -> " + std::to_string(count));
  if (timer_model_.reported_since_take && count == 0) {
    throw std::runtime_error("timer: reported, then take_expirations returned 0");
  }
  if (count != 0 && (!timer_model_.expiry_to_come || after < timer_model_.earliest)) {
    throw std::runtime_error("timer: take_expirations counted an expiry that was not due");
  }
  if (timer_model_.expiry_to_come && timer_model_.period.count() == 0 && count != 0) {
    timer_model_.expiry_to_come = false;  // a one-shot timer is over once taken
  } else if (timer_model_.expiry_to_come && count != 0) {
    timer_model_.earliest = next_planned_after(before);
  }
  timer_model_.disabled = false;
  timer_model_.reported_since_take = false;
}

source_model::clock::time_point source_model::next_planned_after(clock::time_point t) const {
  const auto& m = timer_model_;
  if (t < m.first_due) return m.first_due;
  const auto periods = (t - m.first_due) / m.period + 1;
  return m.first_due + m.period * periods;
}

std::string source_model::deliver(const evsel::ready_record& r) {
  if (r.context == event_context) {
    if (r.occurred != event::user) return "user event: reported " + evsel::to_string(r.occurred);
    if (!event_model_.registered) return "user event: reported while not registered";
    if (!event_model_.set) return "user event: reported while reset";
    if (event_model_.disabled) return "user event: reported again before reset";
    event_model_.disabled = true;
    return {};
  }
  if (r.occurred != event::timeout) return "timer: reported " + evsel::to_string(r.occurred);
  auto& m = timer_model_;
  if (!m.registered) return "timer: reported while not registered";
  if (m.disabled) return "timer: reported again before take_expirations";
  if (!m.expiry_to_come) return "timer: reported while disarmed";
  if (clock::now() < m.earliest) return "timer: reported before its time";
  m.disabled = true;
  m.reported_since_take = true;
  return {};
}

std::string source_model::owed() const {
  std::string owed;
  if (event_model_.registered && event_model_.set && !event_model_.disabled) owed += " user";
  const auto& m = timer_model_;
  if (m.registered && m.expiry_to_come && !m.disabled && clock::now() >= m.earliest) {
    owed += " timeout";
  }
  return owed;
}

}  // namespace evsel_model
