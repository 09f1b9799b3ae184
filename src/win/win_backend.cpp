// SPDX-License-Identifier: MIT
// evsel: the native Windows backend: WSAEventSelect, WSAWaitForMultipleEvents,
// WSAEnumNetworkEvents.
#include "win_backend.hpp"

#include <new>

#include "../native_errors.hpp"
#include "../os.hpp"
#include "winsock.hpp"

namespace evsel::detail {
namespace {

std::error_code last_error() noexcept {
  return native_error(WSAGetLastError());
}

// One wait covers at most WSA_MAXIMUM_WAIT_EVENTS handles, the wake event among them.
constexpr std::size_t max_handles = WSA_MAXIMUM_WAIT_EVENTS;

// Reads and drops what is queued (data after an emulated shutdown(receive)).
void discard_input(SOCKET s) noexcept {
  char scratch[4096];
  while (::recv(s, scratch, sizeof scratch, 0) > 0) {
  }
}

}  // namespace

struct backend::win_registration final : registration {
  WSAEVENT event = WSA_INVALID_EVENT;
  std::size_t slot = 0;  // index in handles_ and owners_
};

backend::backend(poller_core& core) : core_(core) {
  wake_event_ = WSACreateEvent();
  if (wake_event_ == WSA_INVALID_EVENT) {
    throw std::system_error(last_error(), "evsel: WSACreateEvent for the wake event");
  }
  handles_.reserve(max_handles);
  owners_.reserve(max_handles);
  handles_.push_back(wake_event_);
  owners_.push_back(nullptr);
}

backend::~backend() {
  WSACloseEvent(wake_event_);
}

registration* backend::make_registration() noexcept {
  return new (std::nothrow) win_registration;
}

std::error_code backend::select(win_registration& r) noexcept {
  const socket_state& s = *r.socket;
  // UDP never gets connect, close, accept or oob (G12); the kernel is not even asked.
  event wanted = s.is_tcp() ? r.mask : r.mask & (event::read | event::write);
  // After an emulated shutdown(receive), arriving data must still be taken off the socket,
  // or Wine would hold back the peer's close forever (W1).
  if (s.receive_shut && s.is_tcp()) wanted |= event::read;
  if (WSAEventSelect(s.handle, r.event, static_cast<long>(wanted)) != 0) return last_error();
  return {};
}

std::error_code backend::attach(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  if (handles_.size() >= max_handles) {
    // TODO(#4): spread sockets over several waits to lift this limit.
    return make_error_code(errc::no_buffer_space);
  }
  r.event = WSACreateEvent();
  if (r.event == WSA_INVALID_EVENT) return last_error();
  if (const std::error_code ec = select(r)) {
    WSACloseEvent(r.event);
    return ec;
  }
  r.slot = handles_.size();
  handles_.push_back(r.event);
  owners_.push_back(&r);
  synchronize(r);
  return {};
}

std::error_code backend::update(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  if (const std::error_code ec = select(r)) return ec;
  synchronize(r);
  return {};
}

void backend::detach(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  // Cancel the association before the socket can be closed and its handle value reused
  // (G13). What the kernel recorded stays with the socket, as on every backend.
  WSAEventSelect(r.socket->handle, nullptr, 0);
  // Keep the arrays dense: the last entry moves into the freed slot, and its owner learns
  // its new index (the index bookkeeping that naive WSAEventSelect servers get wrong).
  const std::size_t last = handles_.size() - 1;
  handles_[r.slot] = handles_[last];
  owners_[r.slot] = owners_[last];
  owners_[r.slot]->slot = r.slot;
  handles_.pop_back();
  owners_.pop_back();
  WSACloseEvent(r.event);
  r.event = WSA_INVALID_EVENT;
}

void backend::synchronize(win_registration& r) noexcept {
  socket_state& s = *r.socket;
  // The kernel records a connect failure only while connect is selected, and never one
  // that connect() returned at once: evsel reports both (C24, docs/semantics.md rule 4).
  refresh_connect(s);
  if (s.stage == connection_stage::failed) core_.record(r, event::connect, s.connect_error);
  if (s.receive_shut && s.is_tcp()) discard_input(s.handle);
  record_close_if_due(r);
}

void backend::record_close_if_due(win_registration& r) noexcept {
  const socket_state& s = *r.socket;
  if (!s.peer_closed || !has_any(r.recordable(), event::close)) return;
  // Windows records close at the FIN even with data unread (C36); evsel holds it back until
  // the data has been read, so that closing on it loses nothing.
  std::error_code ec;
  if (!s.receive_shut && os::available(s.handle, ec) > 0 && !ec) return;
  core_.record(r, event::close, s.close_error);
}

void backend::enumerate(win_registration& r) noexcept {
  socket_state& s = *r.socket;
  WSANETWORKEVENTS found{};
  if (WSAEnumNetworkEvents(s.handle, r.event, &found) != 0) {
    WSAResetEvent(r.event);  // nothing to learn from a handle the kernel refuses
    return;
  }
  auto bits = static_cast<event>(found.lNetworkEvents) & all_events;
  if (has_any(bits, event::connect)) {
    if (const int code = found.iErrorCode[FD_CONNECT_BIT]) {
      s.stage = connection_stage::failed;
      s.connect_error = native_error(code);
      core_.record(r, event::connect, s.connect_error);
      bits &= ~event::connect;
    } else if (s.stage == connection_stage::connecting) {
      s.stage = connection_stage::connected;
    }
  }
  if (has_any(bits, event::close)) {
    int code = found.iErrorCode[FD_CLOSE_BIT];
    // Windows reports a peer's reset as WSAECONNABORTED ([T-cls]); the socket itself says
    // WSAECONNRESET on recv, so ask it. (Wine 8.0 reports 0 for a reset: W2.)
    if (code == WSAECONNABORTED) {
      char byte = 0;
      if (::recv(s.handle, &byte, 1, MSG_PEEK) == SOCKET_ERROR &&
          WSAGetLastError() == WSAECONNRESET) {
        code = WSAECONNRESET;
      }
    }
    note_connection_lost(s, code != 0 ? native_error(code) : std::error_code{});
    bits &= ~event::close;
  }
  // Inline urgent bytes are data (Wine reports oob too: W7, C42); after shutdown(receive)
  // there is nothing to read.
  if (has_any(bits, event::oob) && (s.oob_inline || s.receive_shut)) bits &= ~event::oob;
  if (has_any(bits, event::read) && s.receive_shut) {
    discard_input(s.handle);
    bits &= ~event::read;
  }
  // connect and write of a new connection arrive in one enumeration and so in one record.
  core_.record(r, bits);
  record_close_if_due(r);
}

bool backend::service(std::size_t index) noexcept {
  if (index == 0) {
    WSAResetEvent(wake_event_);
    return true;
  }
  enumerate(*owners_[index]);
  return false;
}

run_status backend::run(std::chrono::milliseconds timeout, std::error_code& ec) noexcept {
  DWORD wait_ms = WSA_INFINITE;
  if (timeout >= std::chrono::milliseconds::zero()) {
    wait_ms = timeout.count() >= static_cast<long long>(WSA_INFINITE)
                  ? WSA_INFINITE - 1
                  : static_cast<DWORD>(timeout.count());
  }
  const auto count = static_cast<DWORD>(handles_.size());
  DWORD result = WSAWaitForMultipleEvents(count, handles_.data(), FALSE, wait_ms, FALSE);
  if (result == WSA_WAIT_TIMEOUT) return run_status::timeout;
  if (result == WSA_WAIT_FAILED) {
    ec = last_error();
    return run_status::timeout;
  }
  // The wait names only the lowest signalled index, every time (G14, C13): look at every
  // signalled event after it as well, so that no socket starves behind a busy one.
  bool woken = false;
  std::size_t index = result - WSA_WAIT_EVENT_0;
  while (index < handles_.size()) {
    woken = service(index) || woken;
    const std::size_t next = index + 1;
    if (next >= handles_.size()) break;
    result = WSAWaitForMultipleEvents(static_cast<DWORD>(handles_.size() - next),
                                      handles_.data() + next, FALSE, 0, FALSE);
    if (result == WSA_WAIT_TIMEOUT || result == WSA_WAIT_FAILED) break;
    index = next + (result - WSA_WAIT_EVENT_0);
  }
  return woken ? run_status::woken : run_status::progress;
}

void backend::wake() noexcept {
  WSASetEvent(wake_event_);
}

void backend::after_recv(registration& base, const io_result& /*result*/) noexcept {
  // The kernel records read and oob again if they still hold; only a held close is ours.
  record_close_if_due(static_cast<win_registration&>(base));
}

void backend::after_transition(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  if (r.socket->receive_shut) (void)select(r);  // keep taking arriving data off, see select
  synchronize(r);
}

}  // namespace evsel::detail
