// SPDX-License-Identifier: MIT
// evsel: the model-based fuzzer's user event and timer: operations on them, and the check of
// every record they make against the rules of docs/semantics.md (T1-T7).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <evsel/evsel.hpp>

namespace evsel_model {

class source_model {
 public:
  using note_function = std::function<void(const std::string&)>;

  source_model(evsel::poller& poller, note_function note);

  // One of the eight operations on the user event and the timer; any byte is valid.
  void step(std::uint8_t operation, std::uint8_t argument);
  // Whether a record with this context is one of ours.
  static bool owns(const void* context);
  // A wait returned `r`: empty if the contract allows it, else why not. The record's source
  // becomes disabled.
  std::string deliver(const evsel::ready_record& r);
  // What must have been reported once the network settled: empty if nothing is owed. Only
  // meaningful after every planned expiry has passed (the run's settle waits long enough).
  std::string owed() const;

 private:
  using clock = std::chrono::steady_clock;

  void toggle_event_registration();
  void toggle_timer_registration();
  void arm(std::uint8_t argument);
  void take();
  // The first planned expiry after `t` (the model's lower bound for the next record).
  clock::time_point next_planned_after(clock::time_point t) const;

  evsel::poller& poller_;
  note_function note_;
  evsel::user_event event_;
  evsel::timer timer_;

  struct {
    bool registered = false;
    bool set = false;
    bool disabled = false;  // reported and not reset since (T2)
  } event_model_;

  struct {
    bool registered = false;
    bool disabled = false;          // reported and not taken since (T2)
    bool expiry_to_come = false;    // armed, and (one-shot) not yet taken after its expiry
    clock::time_point first_due{};  // as planned by arm
    clock::duration period{};
    clock::time_point earliest{};  // no record before this (T4)
    bool reported_since_take = false;
  } timer_model_;
};

}  // namespace evsel_model
