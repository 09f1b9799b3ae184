// SPDX-License-Identifier: MIT
// evsel: unit tests of the event bit set, its helpers and the per-event error record.
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

#include <evsel/error.hpp>
#include <evsel/events.hpp>

#include "support/catch.hpp"

namespace {

using evsel::event;

constexpr std::uint32_t bits(event e) noexcept {
  return static_cast<std::uint32_t>(e);
}

constexpr event singles[] = {event::read,   event::write,   event::oob,
                             event::accept, event::connect, event::close};

}  // namespace

// The operators are usable in constant expressions.
static_assert(bits(event::read | event::write) == 0x03);
static_assert(bits(~event::read) == 0x3E);
static_assert(evsel::has_all(evsel::all_events, event::close | event::read));
static_assert(evsel::bit_index(event::close) == 5);

TEST_CASE("Event bits have the values of Winsock's FD_ constants", "[unit][events]") {
  CHECK(bits(event::none) == 0);
  CHECK(bits(event::read) == 0x01);
  CHECK(bits(event::write) == 0x02);
  CHECK(bits(event::oob) == 0x04);
  CHECK(bits(event::accept) == 0x08);
  CHECK(bits(event::connect) == 0x10);
  CHECK(bits(event::close) == 0x20);
  CHECK(bits(evsel::all_events) == 0x3F);
  CHECK(evsel::event_bit_count == 6);
  event every = event::none;
  for (const event e : singles) every |= e;
  CHECK(every == evsel::all_events);
}

TEST_CASE("Event sets combine with or, and and xor", "[unit][events]") {
  const event rw = event::read | event::write;
  CHECK(bits(rw) == 0x03);
  CHECK((rw & event::write) == event::write);
  CHECK((rw & event::close) == event::none);
  CHECK((rw ^ event::write) == event::read);
  CHECK((rw ^ event::close) == (event::read | event::write | event::close));
  CHECK((rw ^ rw) == event::none);
  CHECK((event::read | event::read) == event::read);
  CHECK((event::none | event::none) == event::none);

  event mask = event::none;
  mask |= event::accept;
  CHECK(mask == event::accept);
  mask |= event::close | event::read;
  CHECK(bits(mask) == 0x29);
  mask &= event::close | event::write;
  CHECK(mask == event::close);
  mask &= event::none;
  CHECK(mask == event::none);
  // The compound operators return the left operand.
  event target = event::read;
  (target |= event::write) |= event::oob;
  CHECK(bits(target) == 0x07);
}

TEST_CASE("The complement stays within the defined event bits", "[unit][events]") {
  CHECK(~event::none == evsel::all_events);
  CHECK(~evsel::all_events == event::none);
  CHECK(bits(~event::write) == 0x3D);
  CHECK((evsel::all_events & ~event::write) ==
        (event::read | event::oob | event::accept | event::connect | event::close));
  const event unknown = static_cast<event>(0xC1);  // read plus two undefined bits
  CHECK(bits(~unknown) == 0x3E);
  for (const event e : singles) {
    CHECK((~e & e) == event::none);
    CHECK((~e | e) == evsel::all_events);
    CHECK(~~e == e);
  }
}

TEST_CASE("has_any and has_all test for some or every bit", "[unit][events]") {
  const event set = event::read | event::close;
  CHECK(evsel::has_any(set, event::read));
  CHECK(evsel::has_any(set, event::read | event::write));
  CHECK_FALSE(evsel::has_any(set, event::write));
  CHECK_FALSE(evsel::has_any(set, event::write | event::oob));
  CHECK(evsel::has_all(set, event::read));
  CHECK(evsel::has_all(set, event::read | event::close));
  CHECK_FALSE(evsel::has_all(set, event::read | event::write));
  CHECK_FALSE(evsel::has_all(set, evsel::all_events));

  // The empty set: nothing is "any", everything has "all of none".
  CHECK_FALSE(evsel::has_any(set, event::none));
  CHECK_FALSE(evsel::has_any(event::none, event::read));
  CHECK_FALSE(evsel::has_any(event::none, event::none));
  CHECK(evsel::has_all(set, event::none));
  CHECK(evsel::has_all(event::none, event::none));
  CHECK_FALSE(evsel::has_all(event::none, event::read));

  for (const event e : singles) {
    CHECK(evsel::has_any(evsel::all_events, e));
    CHECK(evsel::has_all(evsel::all_events, e));
    CHECK_FALSE(evsel::has_any(~e, e));
  }
}

TEST_CASE("bit_index gives the FD_*_BIT position of a single event", "[unit][events]") {
  CHECK(evsel::bit_index(event::read) == 0);
  CHECK(evsel::bit_index(event::write) == 1);
  CHECK(evsel::bit_index(event::oob) == 2);
  CHECK(evsel::bit_index(event::accept) == 3);
  CHECK(evsel::bit_index(event::connect) == 4);
  CHECK(evsel::bit_index(event::close) == 5);
  for (std::size_t i = 0; i < evsel::event_bit_count; ++i) {
    CHECK(evsel::bit_index(singles[i]) == i);
  }
}

TEST_CASE("bit_index rejects none, combinations and undefined bits", "[unit][events]") {
  const std::size_t invalid = evsel::event_bit_count;
  CHECK(evsel::bit_index(event::none) == invalid);
  CHECK(evsel::bit_index(event::read | event::write) == invalid);
  CHECK(evsel::bit_index(evsel::all_events) == invalid);
  CHECK(evsel::bit_index(static_cast<event>(0x40)) == invalid);
  CHECK(evsel::bit_index(static_cast<event>(0x80000000U)) == invalid);
  CHECK(evsel::bit_index(static_cast<event>(0x41)) == invalid);
}

TEST_CASE("to_string names the bits in FD_ order, separated by bars", "[unit][events]") {
  CHECK(evsel::to_string(event::none) == "none");
  CHECK(evsel::to_string(event::read) == "read");
  CHECK(evsel::to_string(event::write) == "write");
  CHECK(evsel::to_string(event::oob) == "oob");
  CHECK(evsel::to_string(event::accept) == "accept");
  CHECK(evsel::to_string(event::connect) == "connect");
  CHECK(evsel::to_string(event::close) == "close");
  CHECK(evsel::to_string(event::read | event::write) == "read|write");
  CHECK(evsel::to_string(event::close | event::read) == "read|close");
  CHECK(evsel::to_string(event::connect | event::write) == "write|connect");
  CHECK(evsel::to_string(evsel::all_events) == "read|write|oob|accept|connect|close");
}

TEST_CASE("to_string shows undefined bits as a hexadecimal remainder", "[unit][events]") {
  CHECK(evsel::to_string(static_cast<event>(0x40)) == "0x40");
  CHECK(evsel::to_string(static_cast<event>(0x41)) == "read|0x40");
  CHECK(evsel::to_string(static_cast<event>(0x100)) == "0x100");
  CHECK(evsel::to_string(static_cast<event>(0xE0)) == "close|0xc0");
  CHECK(evsel::to_string(static_cast<event>(0xFFFFFFFFU)) ==
        "read|write|oob|accept|connect|close|user|timeout|0xfffcffc0");
}

TEST_CASE("user and timeout sit far above the FD_ bits and appear only in records",
          "[unit][events]") {
  CHECK(bits(event::user) == 0x10000);
  CHECK(bits(event::timeout) == 0x20000);
  CHECK_FALSE(evsel::has_any(evsel::all_events, event::user | event::timeout));
  CHECK(evsel::to_string(event::timeout) == "timeout");
  CHECK(evsel::to_string(event::user) == "user");
  CHECK(evsel::to_string(event::read | event::timeout) == "read|timeout");
  // No error slot: bit_index says so and error() is empty even when the bit occurred.
  CHECK(evsel::bit_index(event::timeout) == evsel::event_bit_count);
  CHECK(evsel::bit_index(event::user) == evsel::event_bit_count);
  evsel::network_events record;
  record.occurred = event::timeout | event::read;
  CHECK(record.has(event::timeout));
  CHECK_FALSE(record.error(event::timeout));
  // The complement keeps to the mask bits, so masks made with it stay valid.
  CHECK(bits(~event::timeout) == 0x3F);
}

TEST_CASE("A default network_events record holds nothing and no errors", "[unit][events]") {
  const evsel::network_events record;
  CHECK(record.occurred == event::none);
  CHECK(record.errors.size() == evsel::event_bit_count);
  for (const std::error_code& ec : record.errors) CHECK_FALSE(ec);
  for (const event e : singles) {
    CHECK_FALSE(record.has(e));
    CHECK_FALSE(record.error(e));
  }
  CHECK_FALSE(record.has(evsel::all_events));
  CHECK_FALSE(record.has(event::none));
}

TEST_CASE("network_events::has is true when any of the bits occurred", "[unit][events]") {
  evsel::network_events record;
  record.occurred = event::connect | event::write;
  CHECK(record.has(event::connect));
  CHECK(record.has(event::write));
  CHECK(record.has(event::read | event::write));
  CHECK_FALSE(record.has(event::read));
  CHECK_FALSE(record.has(event::close | event::oob));
  CHECK_FALSE(record.has(event::none));
}

TEST_CASE("network_events::error returns the code stored for a bit that occurred",
          "[unit][events]") {
  evsel::network_events record;
  record.occurred = event::connect | event::close | event::read;
  record.errors[evsel::bit_index(event::connect)] =
      std::make_error_code(std::errc::connection_refused);
  record.errors[evsel::bit_index(event::close)] =
      evsel::make_error_code(evsel::errc::connection_reset);

  CHECK(record.error(event::connect) == evsel::errc::connection_refused);
  CHECK(&record.error(event::connect) == &record.errors[4]);
  CHECK(record.error(event::close) == evsel::errc::connection_reset);
  CHECK(&record.error(event::close) == &record.errors[5]);
  CHECK_FALSE(record.error(event::read));  // occurred, without an error
}

TEST_CASE("network_events::error is empty for bits that did not occur or are not single",
          "[unit][events]") {
  evsel::network_events record;
  record.occurred = event::read;
  // Stale codes in slots of events that did not occur must not show through.
  for (std::error_code& ec : record.errors) {
    ec = evsel::make_error_code(evsel::errc::timed_out);
  }
  CHECK(record.error(event::read) == evsel::errc::timed_out);
  for (const event e : {event::write, event::oob, event::accept, event::connect, event::close}) {
    CAPTURE(evsel::to_string(e));
    CHECK_FALSE(record.error(e));
  }
  CHECK_FALSE(record.error(event::none));
  CHECK_FALSE(record.error(event::read | event::write));
  CHECK_FALSE(record.error(evsel::all_events));
  CHECK_FALSE(record.error(static_cast<event>(0x40)));

  record.occurred = evsel::all_events;
  CHECK_FALSE(record.error(event::read | event::close));
  for (const event e : singles) CHECK(record.error(e) == evsel::errc::timed_out);
}
