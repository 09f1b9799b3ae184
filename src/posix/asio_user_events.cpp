// SPDX-License-Identifier: MIT
// evsel: the POSIX backend's user events: one read wait on each event's eventfd or pipe.
#include <new>

#include "../user_event_state.hpp"
#include "asio_backend.hpp"
#include "asio_errors.hpp"
#include "asio_registration.hpp"

namespace evsel::detail {

std::error_code backend::attach_user(registration& base) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  boost::system::error_code ec;
  try {
    r.descriptor.assign(static_cast<int>(r.user->signal.waitable), ec);
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
  if (ec) return to_std(ec);
  rearm_user(r);
  return {};
}

void backend::rearm_user(registration& base) noexcept {
  auto& r = static_cast<asio_registration&>(base);
  // A wait still outstanding serves; the event is looked at when it completes.
  if (r.waiting[wait_read]) return;
  if (core_.user_wait_needed(r)) start_user_wait(r);
}

void backend::start_user_wait(asio_registration& r) noexcept {
  try {
    r.descriptor.async_wait(boost::asio::posix::descriptor_base::wait_read,
                            [this, &r](const boost::system::error_code& ec) {
                              const std::unique_lock<std::mutex> hold = handler_lock();
                              on_user_ready(r, ec == boost::asio::error::operation_aborted);
                            });
  } catch (...) {
    // Out of memory for the wait: the event is looked at again on its next reset.
    return;
  }
  r.waiting[wait_read] = true;
  ++r.pending;
}

void backend::on_user_ready(asio_registration& r, bool aborted) noexcept {
  --r.pending;
  r.waiting[wait_read] = false;
  if (r.user == nullptr || aborted) return;  // removed: the engine frees it once none pend
  if (core_.user_wait_needed(r)) start_user_wait(r);
}

}  // namespace evsel::detail
