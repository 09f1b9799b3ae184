// SPDX-License-Identifier: MIT
// evsel: fault injection for tests of an application's error handling.
#pragma once

#include <cstddef>
#include <system_error>

#include <evsel/export.hpp>
#include <evsel/poller.hpp>

/// Hooks for testing how an application handles failures that the OS makes hard to
/// produce on demand (a descriptor limit reached in accept, for example, which under Wine
/// belongs to wineserver rather than to the process).
namespace evsel::testing {

/// Makes the next `count` calls of socket::accept, on any socket and in any thread, fail
/// with `error` without calling the OS; the connection stays queued. evsel treats the error
/// as it treats the same error from the OS (a listener that fails for lack of descriptors
/// rests, see docs/semantics.md); the OS itself sees no accept call. A count of 0 disarms.
/// Not for production code.
EVSEL_EXPORT void fail_next_accepts(unsigned count, std::error_code error) noexcept;

/// How many registrations `p` holds: one per registered socket, user event and timer, plus
/// those of removed sockets and user events that the backend has not let go of yet (Asio
/// frees one only once its cancelled waits have run). For checking that add/remove cycles
/// do not pile up memory.
/// Not for production code.
EVSEL_EXPORT std::size_t registrations_held(const poller& p) noexcept;

}  // namespace evsel::testing
