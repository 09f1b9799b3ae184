// SPDX-License-Identifier: MIT
// evsel-wsa: the event objects and the WSAEventSelect model: WSACreateEvent, WSASetEvent,
// WSAResetEvent, WSACloseEvent, WSAEventSelect, WSAEnumNetworkEvents and
// WSAWaitForMultipleEvents.
#include <chrono>
#include <cstddef>

#include <winsock2.h>

#include <evsel/events.hpp>

#include "wsa_api.hpp"
#include "wsa_core.hpp"

namespace wsa = evsel::wsa;
using wsa::api::argument_error;
using wsa::api::fail;

namespace {

// FD_QOS, FD_GROUP_QOS, FD_ROUTING_INTERFACE_CHANGE and FD_ADDRESS_LIST_CHANGE: Windows
// accepts them (FD_ALL_EVENTS holds them) and the layer never has one to report.
constexpr long never_signalled =
    FD_QOS | FD_GROUP_QOS | FD_ROUTING_INTERFACE_CHANGE | FD_ADDRESS_LIST_CHANGE;

BOOL to_bool(int rc) noexcept {
  return rc == 0 ? TRUE : fail(rc, FALSE);
}

}  // namespace

extern "C" WSAEVENT WSACreateEvent(void) {
  wsa::event_handle out = nullptr;
  const int rc = wsa::create_event(out);
  return rc == 0 ? out : fail(rc, WSA_INVALID_EVENT);
}

extern "C" BOOL WSASetEvent(WSAEVENT hEvent) {
  return to_bool(wsa::set_event(hEvent));
}

extern "C" BOOL WSAResetEvent(WSAEVENT hEvent) {
  return to_bool(wsa::reset_event(hEvent));
}

extern "C" BOOL WSACloseEvent(WSAEVENT hEvent) {
  return to_bool(wsa::close_event(hEvent));
}

extern "C" int WSAEventSelect(SOCKET s, WSAEVENT hEventObject, long lNetworkEvents) {
  if ((lNetworkEvents & ~static_cast<long>(FD_ALL_EVENTS)) != 0) {
    return fail(argument_error(s, WSAEINVAL));
  }
  const auto mask = static_cast<evsel::event>(lNetworkEvents & ~never_signalled);
  const int rc = wsa::event_select(s, hEventObject, mask);
  return rc == 0 ? 0 : fail(rc);
}

extern "C" int WSAEnumNetworkEvents(SOCKET s,
                                    WSAEVENT hEventObject,
                                    LPWSANETWORKEVENTS lpNetworkEvents) {
  if (lpNetworkEvents == nullptr) return fail(argument_error(s, WSAEFAULT));
  evsel::event occurred = evsel::event::none;
  int codes[evsel::event_bit_count] = {};
  const int rc = wsa::enum_network_events(s, hEventObject, occurred, codes);
  if (rc != 0) return fail(rc);
  lpNetworkEvents->lNetworkEvents = static_cast<long>(occurred);
  // Windows writes the error slots of the events it reports and leaves the others (C06).
  for (std::size_t bit = 0; bit < evsel::event_bit_count; ++bit) {
    if ((lpNetworkEvents->lNetworkEvents & (1L << bit)) != 0) {
      lpNetworkEvents->iErrorCode[bit] = codes[bit];
    }
  }
  return 0;
}

// fAlertable is accepted and ignored: see the declaration in <winsock2.h>.
extern "C" DWORD WSAWaitForMultipleEvents(
    DWORD cEvents, const WSAEVENT* lphEvents, BOOL fWaitAll, DWORD dwTimeout, BOOL fAlertable) {
  (void)fAlertable;
  // DWORD is 32 bits on Windows: (DWORD)-1 and WSA_INFINITE both mean forever.
  const DWORD timeout = dwTimeout & 0xFFFFFFFFUL;
  const std::chrono::milliseconds wait{timeout == WSA_INFINITE ? -1LL
                                                               : static_cast<long long>(timeout)};
  std::size_t index = 0;
  const int rc = wsa::wait_for_events(lphEvents, static_cast<std::size_t>(cEvents),
                                      fWaitAll != FALSE, wait, index);
  if (rc == wsa::wsa_wait_timeout) return WSA_WAIT_TIMEOUT;
  if (rc != 0) return fail(rc, WSA_WAIT_FAILED);
  return WSA_WAIT_EVENT_0 + static_cast<DWORD>(index);
}
