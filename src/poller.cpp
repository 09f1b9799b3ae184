// SPDX-License-Identifier: MIT
// evsel: evsel::poller, the public face of the engine.
#include <evsel/poller.hpp>
#include <evsel/testing.hpp>

#include "engine.hpp"
#include "misuse.hpp"

namespace evsel {

struct poller::impl {
  detail::engine engine;
};

poller::poller() : impl_(std::make_unique<impl>()) {}
poller::~poller() = default;

std::error_code poller::add(socket& s, event mask, void* context) noexcept {
  return impl_->engine.add(s.state_, mask, context);
}

std::error_code poller::modify(socket& s, event mask) noexcept {
  return impl_->engine.modify(s.state_, mask, std::nullopt);
}

std::error_code poller::modify(socket& s, event mask, void* context) noexcept {
  return impl_->engine.modify(s.state_, mask, context);
}

std::error_code poller::remove(socket& s) noexcept {
  return impl_->engine.remove(s.state_);
}

std::error_code poller::add(user_event& e, void* context) noexcept {
  if (e.state_ == nullptr) return make_error_code(detail::misuse::empty_object);
  return impl_->engine.add(e.state_, context);
}

std::error_code poller::remove(user_event& e) noexcept {
  if (e.state_ == nullptr) return make_error_code(detail::misuse::empty_object);
  return impl_->engine.remove(e.state_);
}

std::error_code poller::add(timer& t, void* context) noexcept {
  if (t.state_ == nullptr) return make_error_code(detail::misuse::empty_object);
  return impl_->engine.add(t.state_, context);
}

std::error_code poller::remove(timer& t) noexcept {
  if (t.state_ == nullptr) return make_error_code(detail::misuse::empty_object);
  return impl_->engine.remove(t.state_);
}

std::error_code poller::set_deadline(socket& s,
                                     std::chrono::steady_clock::time_point when) noexcept {
  return impl_->engine.set_deadline(s.state_, when);
}

std::error_code poller::clear_deadline(socket& s) noexcept {
  return impl_->engine.clear_deadline(s.state_);
}

std::error_code poller::set_idle_timeout(socket& s, std::chrono::milliseconds idle) noexcept {
  return impl_->engine.set_idle_timeout(s.state_, idle);
}

std::size_t poller::wait(ready_record* out,
                         std::size_t capacity,
                         std::chrono::milliseconds timeout,
                         std::error_code& ec) noexcept {
  return impl_->engine.wait(out, capacity, timeout, ec);
}

void poller::wake() noexcept {
  impl_->engine.wake();
}

std::size_t poller::size() const noexcept {
  return impl_->engine.size();
}

const char* poller::backend_name() noexcept {
  return detail::backend::name;
}

namespace detail {

struct poller_access {
  static engine& engine_of(const poller& p) noexcept { return p.impl_->engine; }
};

}  // namespace detail

namespace testing {

std::size_t registrations_held(const poller& p) noexcept {
  return detail::poller_access::engine_of(p).held();
}

}  // namespace testing

}  // namespace evsel
