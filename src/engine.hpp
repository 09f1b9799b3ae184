// SPDX-License-Identifier: MIT
// evsel: the backend-neutral poller: argument checks, registrations, the wait loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <system_error>

#include <evsel/events.hpp>
#include <evsel/poller.hpp>

#include "backend.hpp"
#include "poller_core.hpp"
#include "registration.hpp"
#include "socket_state.hpp"

namespace evsel::detail {

// Public poller calls validate here and then dispatch to the backend (libuv's pattern);
// evsel::socket reaches the same object through its registration for the re-enabling hooks.
class engine {
 public:
  engine();  // throws std::system_error
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  std::error_code add(socket_state* s, event mask, void* context) noexcept;
  std::error_code modify(socket_state* s, event mask, bool set_context, void* context) noexcept;
  std::error_code remove(socket_state* s) noexcept;
  std::size_t wait(ready_record* out,
                   std::size_t capacity,
                   std::chrono::milliseconds timeout,
                   std::error_code& ec) noexcept;
  void wake() noexcept { backend_->wake(); }
  std::size_t size() const noexcept { return live_; }

  // Re-enabling hooks, called by evsel::socket right after the OS call and after it updated
  // the socket's record and disabled set.
  void on_recv(registration& r, const io_result& result) noexcept;
  void on_send(registration& r, const io_result& result) noexcept;
  void on_accept(registration& r, const io_result& result) noexcept;
  void on_transition(registration& r) noexcept;
  // The socket is about to be closed: stop reporting it (G13).
  void detach(registration& r) noexcept;

 private:
  registration* lookup(socket_state* s, std::error_code& ec) const noexcept;
  void free_idle() noexcept;

  poller_core core_;
  std::optional<backend> backend_;
  std::size_t live_ = 0;
  bool has_detached_ = false;
};

}  // namespace evsel::detail
