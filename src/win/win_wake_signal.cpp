// SPDX-License-Identifier: MIT
// evsel: the native wake signal of a user_event: a manual-reset event handle.
#include "../native_errors.hpp"
#include "../os.hpp"
#include "winsock.hpp"

namespace evsel::detail::os {
namespace {

HANDLE handle_of(std::intptr_t value) noexcept {
  return reinterpret_cast<HANDLE>(value);
}

}  // namespace

wake_signal make_wake_signal(std::error_code& ec) noexcept {
  ec.clear();
  wake_signal w;
  HANDLE event = CreateEventW(nullptr, TRUE, FALSE, nullptr);  // manual-reset, unset
  if (event == nullptr) {
    ec = native_error(static_cast<int>(GetLastError()));
    return w;
  }
  w.waitable = w.raisable = reinterpret_cast<std::intptr_t>(event);
  return w;
}

void raise_wake_signal(const wake_signal& w) noexcept {
  SetEvent(handle_of(w.raisable));
}

void clear_wake_signal(const wake_signal& w) noexcept {
  ResetEvent(handle_of(w.waitable));
}

void close_wake_signal(wake_signal& w) noexcept {
  if (w.waitable != -1) CloseHandle(handle_of(w.waitable));
  w = wake_signal{};
}

}  // namespace evsel::detail::os
