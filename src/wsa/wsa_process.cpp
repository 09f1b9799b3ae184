// SPDX-License-Identifier: MIT
// evsel-wsa: WSAStartup/WSACleanup and the per-thread last error.
#include <memory>
#include <mutex>
#include <vector>

#include "wsa_pump.hpp"
#include "wsa_runtime.hpp"

namespace evsel::wsa {

namespace {
thread_local int thread_last_error = 0;
}  // namespace

runtime& the_runtime() noexcept {
  static runtime* const rt = new runtime;
  return *rt;
}

int check_started() noexcept {
  return the_runtime().startups.load(std::memory_order_acquire) > 0 ? 0 : code::not_initialised;
}

int last_error() noexcept {
  return thread_last_error;
}

void set_last_error(int code) noexcept {
  thread_last_error = code;
}

int startup() noexcept {
  runtime& rt = the_runtime();
  const std::lock_guard<std::mutex> lock(rt.mutex);
  rt.startups.fetch_add(1, std::memory_order_acq_rel);
  return 0;
}

// The last WSACleanup closes what is open, as Windows does ("sockets open when WSACleanup
// is called are reset and deallocated"), and drops the hidden poller; event objects stay
// (they are not Winsock's on Windows either).
int cleanup() noexcept {
  runtime& rt = the_runtime();
  decltype(runtime::sockets) closing;  // taken whole: a swap cannot fail
  {
    const std::lock_guard<std::mutex> lock(rt.mutex);
    if (rt.startups.load(std::memory_order_acquire) == 0) return code::not_initialised;
    if (rt.startups.fetch_sub(1, std::memory_order_acq_rel) > 1) return 0;
    closing.swap(rt.sockets);
    for (const auto& [handle, entry] : closing) retire_socket_locked(rt, entry);
    drop_hidden_poller();
  }
  return 0;
}

}  // namespace evsel::wsa
