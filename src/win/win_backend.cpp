// SPDX-License-Identifier: MIT
// evsel: the native Windows backend: WSAEventSelect, WSAWaitForMultipleEvents,
// WSAEnumNetworkEvents.
#include "win_backend.hpp"

#include <algorithm>
#include <new>

#include "../intrusive_list.hpp"
#include "../native_errors.hpp"
#include "../os.hpp"
#include "winsock.hpp"

namespace evsel::detail {
namespace {

std::error_code last_error() noexcept {
  return native_error(WSAGetLastError());
}

// Whether `events` hold for `s` now: a zero-timeout WSAPoll.
bool holds_now(SOCKET s, SHORT events) noexcept {
  WSAPOLLFD query{};
  query.fd = s;
  query.events = events;
  return WSAPoll(&query, 1, 0) == 1 && (query.revents & events) != 0;
}

// A listener has a connection to accept.
bool connection_queued(SOCKET listener) noexcept {
  return holds_now(listener, POLLRDNORM);
}

// Send space for a connected socket, or any UDP one.
bool writable(SOCKET s) noexcept {
  return holds_now(s, POLLWRNORM);
}

// Data a recv could take now (FIONREAD); none after an emulated shutdown(receive). After a
// reset, FIONREAD can count bytes that recv no longer gives (Wine 10 drops them, as Windows
// does, and still counts them: W16), so recv is asked instead.
bool data_queued(const socket_state& s) noexcept {
  if (s.receive_shut) return false;
  if (s.sticky_error) {
    char byte = 0;
    return ::recv(s.handle, &byte, 1, MSG_PEEK) == 1;
  }
  std::error_code ec;
  return os::available(s.handle, ec) > 0 && !ec;
}

// Reads and drops what is queued (data after an emulated shutdown(receive)).
void discard_input(SOCKET s) noexcept {
  char scratch[4096];
  while (::recv(s, scratch, sizeof scratch, 0) > 0) {
  }
}

}  // namespace

// An event object and the thread-pool wait that watches it. Both are kept for the next
// registration when a socket leaves, never closed while the poller lives: Wine's wait thread
// goes on waiting on a handle for a while after its wait was stopped and closed, and a
// handle value closed meanwhile and given to a new socket was then lost to that socket
// (WSAENOTSOCK on live sockets with several pollers in several threads, W13). A reused pair
// also spares two kernel objects (two wineserver round trips under Wine) per connection.
struct backend::watch {
  backend* home = nullptr;
  WSAEVENT event = WSA_INVALID_EVENT;
  // Fires once when event is set; the waiting thread arms it again after it has asked the
  // kernel what happened (which resets event), so a signalled socket is queued only once.
  PTP_WAIT waiter = nullptr;
  // The registration it serves, or null while it is free; guarded by home->signalled_lock_,
  // so that a callback that comes late (Wine can start one after the wait was stopped and
  // waited out) queues nobody, or the new owner, whose enumeration then finds nothing.
  win_registration* owner = nullptr;
  watch* next_free = nullptr;

  static VOID CALLBACK on_signalled(PTP_CALLBACK_INSTANCE, PVOID self, PTP_WAIT, TP_WAIT_RESULT) {
    auto& w = *static_cast<watch*>(self);
    w.home->queue_signalled(w);
  }
};

struct backend::win_registration final : registration {
  watch* watched = nullptr;
  bool signalled = false;  // in home->signalled_; guarded by home->signalled_lock_
  // Listener in home->looked_at_: see look_at_stuck_listeners.
  bool looked_at = false;
  win_registration* next_looked_at = nullptr;
};

backend::backend(poller_core& core) : core_(core) {
  signal_event_ = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  if (signal_event_ == nullptr) {
    throw std::system_error(native_error(static_cast<int>(GetLastError())),
                            "evsel: CreateEvent for the poller");
  }
}

backend::~backend() {
  while (watch* w = free_watches_) {
    free_watches_ = w->next_free;
    CloseThreadpoolWait(w->waiter);  // stopped when it was freed
    WSACloseEvent(w->event);
    delete w;
  }
  CloseHandle(signal_event_);
}

backend::watch* backend::take_watch(std::error_code& ec) noexcept {
  if (watch* w = free_watches_) {
    free_watches_ = w->next_free;
    return w;
  }
  auto* w = new (std::nothrow) watch;
  if (w == nullptr) {
    ec = make_error_code(std::errc::not_enough_memory);
    return nullptr;
  }
  w->home = this;
  w->event = WSACreateEvent();
  if (w->event == WSA_INVALID_EVENT) {
    ec = last_error();
    delete w;
    return nullptr;
  }
  w->waiter = CreateThreadpoolWait(&watch::on_signalled, w, nullptr);
  if (w->waiter == nullptr) {
    ec = native_error(static_cast<int>(GetLastError()));
    WSACloseEvent(w->event);
    delete w;
    return nullptr;
  }
  return w;
}

void backend::free_watch(watch& w) noexcept {
  // Stop the wait and wait out a callback already running; one that Wine starts later finds
  // no owner (see watch).
  SetThreadpoolWait(w.waiter, nullptr, nullptr);
  WaitForThreadpoolWaitCallbacks(w.waiter, TRUE);
  {
    std::lock_guard<std::mutex> hold(signalled_lock_);
    w.owner = nullptr;
  }
  WSAResetEvent(w.event);
  w.next_free = free_watches_;
  free_watches_ = &w;
}

std::error_code backend::reserve_room(std::size_t sockets) noexcept {
  // The lists swap on every wait, so both need room for every socket; the callbacks then
  // never allocate and can never fail to queue a socket.
  std::lock_guard<std::mutex> hold(signalled_lock_);
  try {
    signalled_.reserve(sockets);
    batch_.reserve(sockets);
  } catch (const std::bad_alloc&) {
    return make_error_code(std::errc::not_enough_memory);
  }
  return {};
}

void backend::queue_signalled(watch& w) noexcept {
  {
    std::lock_guard<std::mutex> hold(signalled_lock_);
    win_registration* const owner = w.owner;
    if (owner == nullptr) return;
    win_registration& r = *owner;
    if (!r.signalled) {
      signalled_.push_back(&r);  // never allocates: attach reserved room for every socket
      r.signalled = true;
    }
  }
  SetEvent(signal_event_);
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
  if (WSAEventSelect(s.handle, r.watched->event, static_cast<long>(wanted)) != 0) {
    return last_error();
  }
  return {};
}

std::error_code backend::attach(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  if (const std::error_code ec = reserve_room(attached_ + 1)) return ec;
  std::error_code ec;
  r.watched = take_watch(ec);
  if (r.watched == nullptr) return ec;
  {
    std::lock_guard<std::mutex> hold(signalled_lock_);
    r.watched->owner = &r;
  }
  if ((ec = select(r))) {
    free_watch(*r.watched);
    r.watched = nullptr;
    return ec;
  }
  SetThreadpoolWait(r.watched->waiter, r.watched->event, nullptr);
  ++attached_;
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
  stop_looking_at(r);
  // After free_watch no callback queues r again.
  free_watch(*r.watched);
  r.watched = nullptr;
  {
    std::lock_guard<std::mutex> hold(signalled_lock_);
    if (r.signalled) {
      signalled_.erase(std::find(signalled_.begin(), signalled_.end(), &r));
      r.signalled = false;
    }
  }
  --attached_;
}

void backend::synchronize(win_registration& r) noexcept {
  socket_state& s = *r.socket;
  // The kernel records a connect failure only while connect is selected, and never one
  // that connect() returned at once: evsel reports both (C24, docs/semantics.md rule 4).
  refresh_connect(s);
  if (s.stage == connection_stage::failed) core_.record(r, event::connect, s.connect_error);
  // A queued connection is recorded at selection whatever the kernel still holds disabled:
  // after an accept that failed, Wine never re-enables accept (W10), and after a rest
  // (engine::rest_accept) Windows has already spent its report. What evsel's own record
  // holds disabled stays silent (record() drops it), as on every backend.
  if (s.stage == connection_stage::listening) {
    (void)record_accept_if_queued(r);
    // The looks of W10 went with an earlier registration; the OS still holds accept.
    if (s.accept_unanswered) start_looking_at(r);
  }
  if (s.receive_shut && s.is_tcp()) discard_input(s.handle);
  record_what_holds(r);
  record_close_if_due(r);
}

void backend::record_what_holds(win_registration& r) noexcept {
  const socket_state& s = *r.socket;
  // Windows records read and write at WSAEventSelect when they hold, but evsel learns of it
  // through the thread-pool wait, after add or modify has returned (and Wine computes it
  // later still): a zero wait right after would miss what poller.hpp promises is recorded
  // at once. So look now; the kernel's own report comes later and finds the bits disabled.
  if (s.is_tcp() && s.stage != connection_stage::connected) return;
  const event open = r.recordable();
  event found = event::none;
  if (has_any(open, event::read) && data_queued(s)) found |= event::read;
  // A connected socket's connect outcome holds too, and comes with write in one record
  // (C25, C55). The WSAPoll costs Wine one spurious signal (W9), at selection changes only.
  if (s.is_tcp() && s.connected_by_connect) found |= open & event::connect;
  if (has_any(open, event::write) && writable(s.handle)) found |= event::write;
  core_.record(r, found);
}

void backend::record_read_if_queued(win_registration& r) noexcept {
  if (has_any(r.recordable(), event::read) && data_queued(*r.socket)) core_.record(r, event::read);
}

bool backend::record_accept_if_queued(win_registration& r) noexcept {
  if (!has_any(r.recordable(), event::accept) || !connection_queued(r.socket->handle)) {
    return false;
  }
  core_.record(r, event::accept);
  return true;
}

void backend::record_close_if_due(win_registration& r) noexcept {
  socket_state& s = *r.socket;
  // peer_closed, or a reset that evsel took from the OS while data was queued (settle_connect):
  // the kernel may never report a close for that one (Wine reports it as FD_CONNECT's error).
  if ((!s.peer_closed && !s.sticky_error) || !has_any(r.recordable(), event::close)) return;
  // Windows records close at the FIN even with data unread (C36); evsel holds it back until
  // the data has been read, so that closing on it loses nothing.
  if (data_queued(s)) {
    // Then read must come, or neither does: Wine can report a reset as FD_CLOSE alone and
    // never signal FD_READ for the data before it, nor again after a recv on the reset
    // socket. record() drops read if it is not selected or is disabled.
    core_.record(r, event::read);
    return;
  }
  note_connection_lost(s, s.sticky_error);  // all read: the reset has ended it
  core_.record(r, event::close, s.close_error);
}

void backend::enumerate(win_registration& r) noexcept {
  socket_state& s = *r.socket;
  WSANETWORKEVENTS found{};
  if (WSAEnumNetworkEvents(s.handle, r.watched->event, &found) != 0) {
    WSAResetEvent(r.watched->event);  // nothing to learn from a handle the kernel refuses
    return;
  }
  auto bits = static_cast<event>(found.lNetworkEvents) & all_events;
  if (has_any(bits, event::connect)) {
    const int code = found.iErrorCode[FD_CONNECT_BIT];
    settle_connect(s, code != 0 ? native_error(code) : std::error_code{});
    if (s.stage == connection_stage::failed) {
      core_.record(r, event::connect, s.connect_error);
      bits &= ~event::connect;
    }
  }
  if (has_any(bits, event::close)) {
    int code = found.iErrorCode[FD_CLOSE_BIT];
    // Windows reports a peer's reset as WSAECONNABORTED ([T-cls]), and a time-out too
    // (WSAEventSelect documentation); the socket itself says WSAECONNRESET on recv after a
    // reset, WSAENETRESET (which compares equal to errc::timed_out) or WSAETIMEDOUT after a
    // keep-alive failure, so ask it. Wine 8.0 reports 0 for a reset (W2), and WSAETIMEDOUT
    // for a keep-alive failure at once.
    if (code == WSAECONNABORTED) {
      char byte = 0;
      if (::recv(s.handle, &byte, 1, MSG_PEEK) == SOCKET_ERROR) {
        const int said = WSAGetLastError();
        if (said == WSAECONNRESET || said == WSAENETRESET || said == WSAETIMEDOUT) code = said;
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
  if (has_any(bits, event::accept)) {
    // Wine can report accept for a connection an accept has just taken (W10): a report is
    // recorded only while a connection waits. Either way the kernel will not report this
    // listener again before an accept call, so a report with nothing queued means looking.
    if (connection_queued(s.handle)) {
      s.accept_unanswered = true;
    } else {
      bits &= ~event::accept;
      start_looking_at(r);
    }
  }
  // connect and write of a new connection arrive in one enumeration and so in one record.
  core_.record(r, bits);
  record_close_if_due(r);
}

run_status backend::run(std::chrono::milliseconds timeout,
                        std::error_code& ec,
                        std::unique_lock<std::mutex>& held) noexcept {
  DWORD wait_ms = INFINITE;
  if (timeout >= std::chrono::milliseconds::zero()) {
    wait_ms = timeout.count() >= static_cast<long long>(INFINITE)
                  ? INFINITE - 1
                  : static_cast<DWORD>(timeout.count());
  }
  // Looks go by the clock, not by wake-ups: under Wine 8.0 a WSAPoll on a registered
  // socket signals its event again (W9), which would otherwise bring the next look at once.
  const bool looking = looked_at_ != nullptr && lookable_listeners();
  if (looking) wait_ms = std::min(wait_ms, until_next_look());
  held.unlock();
  const DWORD result = WaitForSingleObject(signal_event_, wait_ms);
  held.lock();
  const bool found =
      looking && std::chrono::steady_clock::now() >= next_look_ && look_at_stuck_listeners();
  if (result == WAIT_TIMEOUT) return found ? run_status::progress : run_status::timeout;
  if (result != WAIT_OBJECT_0) {
    ec = native_error(static_cast<int>(GetLastError()));
    return run_status::timeout;
  }
  {
    std::lock_guard<std::mutex> hold(signalled_lock_);
    batch_.swap(signalled_);
    for (win_registration* r : batch_) r->signalled = false;
  }
  // Every socket signalled by now is in the batch, in the order it was signalled: one wait
  // takes all of them, so none starves behind a busy one (G14, C13).
  for (win_registration* r : batch_) {
    enumerate(*r);
    SetThreadpoolWait(r->watched->waiter, r->watched->event, nullptr);
  }
  batch_.clear();
  return wake_pending_.exchange(false) ? run_status::woken : run_status::progress;
}

void backend::wake() noexcept {
  // Coalesced: a wake already pending will end the wait; a storm of wakes costs one
  // SetEvent (under Wine, one wineserver round trip) per wait, not one per call.
  if (!wake_pending_.exchange(true)) SetEvent(signal_event_);
}

void backend::nudge() noexcept {
  SetEvent(signal_event_);  // run then finds an empty batch and returns progress
}

void backend::after_recv(registration& base, const io_result& result) noexcept {
  auto& r = static_cast<win_registration&>(base);
  // The kernel records read again after a recv that leaves data, but evsel hears of it
  // through the thread pool, after the recv has returned (later still under Wine), so a
  // zero wait right after would miss it; and it re-enables FD_READ only on a normal recv,
  // never on the recv of the urgent byte (rule 1 wants read back after either). So look:
  // for free after a peek (the data is still there), with FIONREAD after the recv of the
  // urgent byte or one that filled the buffer. One that returned less than asked most
  // likely emptied the queue: looking there would cost every recv an ioctl (a wineserver
  // round trip under Wine) to find nothing, and data arriving later is new data, which the
  // kernel reports. UDP is left to the kernel: a datagram read is whole either way.
  if (r.socket->is_tcp() && !result.ec && result.bytes > 0) {
    const bool urgent = has_flag(result.flags, message_flags::oob);
    if (has_flag(result.flags, message_flags::peek) && !urgent) {
      core_.record(r, event::read);
    } else if (urgent || result.bytes == result.requested) {
      record_read_if_queued(r);
    }
  }
  record_close_if_due(r);
}

void backend::after_accept(registration& base, const io_result& result) noexcept {
  auto& r = static_cast<win_registration&>(base);
  socket_state& s = *r.socket;
  if (!result.ec) {
    s.accept_unanswered = false;
    stop_looking_at(r);
    // A connection still queued is recorded at once, as the kernel's own report reaches
    // evsel only later (see after_recv): one WSAPoll per accept, none for the last one of
    // an accept loop (it fails with would_block).
    (void)record_accept_if_queued(r);
    return;
  }
  // An accept that failed without taking a connection (one aborted meanwhile, an injected
  // failure that the OS never saw) leaves the others queued: accept was re-enabled, so
  // record it now. Not for would_block (nothing was queued) nor for a rest (record drops it).
  if (result.ec != errc::would_block) (void)record_accept_if_queued(r);
  // Accept was reported and the accept failed: nothing to take (a stale report), or no
  // descriptor for it. Windows re-enables accept on this call anyway; Wine 8.0 re-enables it
  // only on an accept that succeeds, so it never reports this listener again (W10). And
  // after a rest (engine::rest_accept) even Windows has nothing left to report: it reported
  // the still queued connection again right after the failure, while accept rested. So
  // look at the listener ourselves until an accept succeeds.
  if (s.accept_unanswered) start_looking_at(r);
}

void backend::start_looking_at(win_registration& r) noexcept {
  if (r.looked_at) return;
  r.looked_at = true;
  push_front(looked_at_, r, &win_registration::next_looked_at);
  look_interval_ = min_look_interval;
  next_look_ = std::chrono::steady_clock::now();
}

void backend::stop_looking_at(win_registration& r) noexcept {
  if (!r.looked_at) return;
  unlink(looked_at_, r, &win_registration::next_looked_at);
  r.looked_at = false;
}

DWORD backend::until_next_look() const noexcept {
  const auto now = std::chrono::steady_clock::now();
  if (next_look_ <= now) return 0;
  return static_cast<DWORD>(std::chrono::ceil<std::chrono::milliseconds>(next_look_ - now).count());
}

bool backend::lookable_listeners() const noexcept {
  for (const win_registration* r = looked_at_; r != nullptr; r = r->next_looked_at) {
    if (has_any(r->recordable(), event::accept)) return true;
  }
  return false;
}

bool backend::look_at_stuck_listeners() noexcept {
  bool found = false;
  for (win_registration* r = looked_at_; r != nullptr; r = r->next_looked_at) {
    // Only where accept can be recorded (see record_accept_if_queued): a delivered accept
    // not taken yet, or a resting one, must not keep the looks at their fastest.
    if (record_accept_if_queued(*r)) found = true;
  }
  // Quiet listeners are looked at less and less often, up to max_look_interval: an idle
  // listener stays on the list until an accept succeeds, and costs one look a second.
  look_interval_ = found ? min_look_interval : std::min(look_interval_ * 2, max_look_interval);
  next_look_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(look_interval_);
  return found;
}

void backend::after_transition(registration& base) noexcept {
  auto& r = static_cast<win_registration&>(base);
  if (r.socket->receive_shut) (void)select(r);  // keep taking arriving data off, see select
  synchronize(r);
}

}  // namespace evsel::detail
