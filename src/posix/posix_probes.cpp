// SPDX-License-Identifier: MIT
// evsel: looks at a socket's state, used to evaluate FD_* conditions on POSIX, and the
// look-ups of os.hpp made of them.
#include "posix_probes.hpp"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "../native_errors.hpp"
#include "../os.hpp"

namespace evsel::detail::posix {

readiness poll_now(native_socket s, interest what) noexcept {
  pollfd entry{};
  entry.fd = s;
  entry.events = static_cast<short>((what.read ? POLLIN : 0) | (what.write ? POLLOUT : 0) |
                                    (what.urgent ? POLLPRI : 0));
  readiness result;
  int n = 0;
  do {
    n = ::poll(&entry, 1, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return result;
  result.readable = (entry.revents & POLLIN) != 0;
  result.writable = (entry.revents & POLLOUT) != 0;
  result.urgent = (entry.revents & POLLPRI) != 0;
  result.hangup = (entry.revents & (POLLHUP | POLLERR)) != 0;
  return result;
}

namespace {

// The end of the stream also makes a socket readable; where poll can tell it apart (Linux's
// POLLRDHUP), readable alone means data. Elsewhere a peek decides.
#ifdef POLLRDHUP
constexpr short end_of_stream_flag = POLLRDHUP;
#else
constexpr short end_of_stream_flag = 0;
#endif

}  // namespace

bool poll_inputs(pollfd* fds, std::size_t count) noexcept {
  for (std::size_t i = 0; i < count; ++i) {
    fds[i].events = static_cast<short>(POLLIN | end_of_stream_flag);
    fds[i].revents = 0;
  }
  int n = 0;
  do {
    n = ::poll(fds, static_cast<nfds_t>(count), 0);
  } while (n < 0 && errno == EINTR);
  return n >= 0;
}

input_hint input_hint_of(const pollfd& entry) noexcept {
  if ((entry.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return input_hint::unsure;
  if ((entry.revents & POLLIN) == 0) return input_hint::empty;
  return end_of_stream_flag != 0 && (entry.revents & end_of_stream_flag) == 0 ? input_hint::data
                                                                              : input_hint::unsure;
}

stream_input peek_stream(native_socket s, std::error_code& ec) noexcept {
  ec.clear();
  char byte = 0;
  for (;;) {
    const ssize_t n = ::recv(s, &byte, 1, MSG_PEEK);
    if (n > 0) return stream_input::data;
    if (n == 0) return stream_input::end_of_stream;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return stream_input::empty;
    ec = native_error(errno);
    return stream_input::failed;
  }
}

bool urgent_byte_waiting(native_socket s) noexcept {
  char byte = 0;
  ssize_t n = 0;
  do {
    n = ::recv(s, &byte, 1, MSG_OOB | MSG_PEEK);
  } while (n < 0 && errno == EINTR);
  return n == 1;
}

}  // namespace evsel::detail::posix

namespace evsel::detail::os {

bool connection_queued(native_socket listener) noexcept {
  posix::interest look;
  look.read = true;
  return posix::poll_now(listener, look).readable;
}

std::error_code discard_input(native_socket s) noexcept {
  char scratch[4096];
  for (;;) {
    const ssize_t n = ::recv(s, scratch, sizeof scratch, 0);
    if (n > 0) continue;
    if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) return {};
    if (errno != EINTR) return native_error(errno);
  }
}

}  // namespace evsel::detail::os
