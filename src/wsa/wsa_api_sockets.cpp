// SPDX-License-Identifier: MIT
// evsel-wsa: socket, closesocket, bind, listen, accept, connect, recv, send, recvfrom,
// sendto, shutdown, getsockname and getpeername, checked as Windows checks them.
#include <cstddef>

#include <winsock2.h>

#include <evsel/endpoint.hpp>
#include <evsel/socket.hpp>

#include "wsa_api.hpp"
#include "wsa_core.hpp"

namespace wsa = evsel::wsa;
using evsel::address_family;
using evsel::endpoint;
using evsel::message_flags;
using wsa::api::argument_error;
using wsa::api::fail;

namespace {

// Before WSAStartup every call fails with WSANOTINITIALISED, whatever its arguments: for a
// call without a socket, asking about a handle that cannot exist tells the two apart.
int startup_error(int code) noexcept {
  address_family family{};
  evsel::protocol proto{};
  const int kind = wsa::socket_kind(wsa::invalid_socket_handle, family, proto);
  return kind == WSANOTINITIALISED ? kind : code;
}

// MSG_PEEK and MSG_OOB; Windows fails other flags with WSAEOPNOTSUPP.
bool to_flags(int flags, int allowed, message_flags& out) noexcept {
  if ((flags & ~allowed) != 0) return false;
  out = message_flags::none;
  if ((flags & MSG_PEEK) != 0) out = out | message_flags::peek;
  if ((flags & MSG_OOB) != 0) out = out | message_flags::oob;
  return true;
}

// A negative length, or a null buffer with a length, is a buffer outside the address space.
bool bad_buffer(const void* buf, int len) noexcept {
  return len < 0 || (buf == nullptr && len > 0);
}

}  // namespace

extern "C" SOCKET socket(int af, int type, int protocol) {
  if (af == AF_UNSPEC && type == 0 && protocol == 0) {
    return fail(startup_error(WSAEINVAL), INVALID_SOCKET);
  }
  address_family family = address_family::ipv4;
  if (af == AF_INET6) {
    family = address_family::ipv6;
  } else if (af != AF_INET && af != AF_UNSPEC) {
    // AF_UNSPEC with a type or protocol is Windows' first matching provider: IPv4.
    return fail(startup_error(WSAEAFNOSUPPORT), INVALID_SOCKET);
  }
  if (type == 0) type = protocol == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
  evsel::protocol proto = evsel::protocol::tcp;
  if (type == SOCK_STREAM) {
    if (protocol != 0 && protocol != IPPROTO_TCP) {
      return fail(startup_error(WSAEPROTONOSUPPORT), INVALID_SOCKET);
    }
  } else if (type == SOCK_DGRAM) {
    if (protocol != 0 && protocol != IPPROTO_UDP) {
      return fail(startup_error(WSAEPROTONOSUPPORT), INVALID_SOCKET);
    }
    proto = evsel::protocol::udp;
  } else {
    return fail(startup_error(WSAESOCKTNOSUPPORT), INVALID_SOCKET);
  }
  wsa::socket_handle out = wsa::invalid_socket_handle;
  const int rc = wsa::open_socket(family, proto, out);
  return rc == 0 ? static_cast<SOCKET>(out) : fail(rc, INVALID_SOCKET);
}

extern "C" int closesocket(SOCKET s) {
  const int rc = wsa::close_socket(s);
  return rc == 0 ? 0 : fail(rc);
}

extern "C" int bind(SOCKET s, const struct sockaddr* name, int namelen) {
  address_family family{};
  evsel::protocol proto{};
  int rc = wsa::socket_kind(s, family, proto);
  endpoint local;
  if (rc == 0) rc = wsa::api::read_endpoint(name, namelen, family, local);
  if (rc == 0) rc = wsa::bind(s, local);
  return rc == 0 ? 0 : fail(rc);
}

extern "C" int listen(SOCKET s, int backlog) {
  // SOMAXCONN_HINT(n) asks for n itself, which Windows keeps within 200..65535.
  if (backlog < 0) {
    const long hint = -static_cast<long>(backlog);
    backlog = static_cast<int>(hint < 200 ? 200 : hint > 65535 ? 65535 : hint);
  }
  const int rc = wsa::listen(s, backlog);
  return rc == 0 ? 0 : fail(rc);
}

extern "C" SOCKET accept(SOCKET s, struct sockaddr* addr, int* addrlen) {
  address_family family{};
  evsel::protocol proto{};
  int rc = wsa::socket_kind(s, family, proto);
  if (rc == 0) rc = wsa::api::check_address_buffer(addr, addrlen, family);
  wsa::socket_handle out = wsa::invalid_socket_handle;
  endpoint peer;
  if (rc == 0) rc = wsa::accept(s, out, peer);
  if (rc != 0) return fail(rc, INVALID_SOCKET);
  if (addr != nullptr) wsa::api::write_endpoint(peer, addr, addrlen);
  return static_cast<SOCKET>(out);
}

extern "C" int connect(SOCKET s, const struct sockaddr* name, int namelen) {
  address_family family{};
  evsel::protocol proto{};
  int rc = wsa::socket_kind(s, family, proto);
  endpoint remote;
  if (rc == 0) rc = wsa::api::read_endpoint(name, namelen, family, remote);
  if (rc == 0) rc = wsa::connect(s, remote);
  return rc == 0 ? 0 : fail(rc);
}

// A zero len goes to the runtime as it is: it answers as Windows does (0 once data is
// queued, WSAEWOULDBLOCK or a wait before), which some programs use as a probe.
extern "C" int recv(SOCKET s, char* buf, int len, int flags) {
  message_flags how{};
  if (bad_buffer(buf, len)) return fail(argument_error(s, WSAEFAULT));
  if (!to_flags(flags, MSG_PEEK | MSG_OOB, how)) return fail(argument_error(s, WSAEOPNOTSUPP));
  std::size_t received = 0;
  const int rc = wsa::recv(s, buf, static_cast<std::size_t>(len), how, received);
  return rc == 0 ? static_cast<int>(received) : fail(rc);
}

extern "C" int send(SOCKET s, const char* buf, int len, int flags) {
  message_flags how{};
  if (bad_buffer(buf, len)) return fail(argument_error(s, WSAEFAULT));
  if (!to_flags(flags, MSG_OOB, how)) return fail(argument_error(s, WSAEOPNOTSUPP));
  std::size_t sent = 0;
  const int rc = wsa::send(s, buf, static_cast<std::size_t>(len), how, sent);
  return rc == 0 ? static_cast<int>(sent) : fail(rc);
}

// On a stream socket from and fromlen are ignored, as on Windows.
extern "C" int recvfrom(
    SOCKET s, char* buf, int len, int flags, struct sockaddr* from, int* fromlen) {
  address_family family{};
  evsel::protocol proto{};
  int rc = wsa::socket_kind(s, family, proto);
  if (rc != 0) return fail(rc);
  if (proto == evsel::protocol::tcp) return recv(s, buf, len, flags);
  if (bad_buffer(buf, len)) return fail(WSAEFAULT);
  if (flags != 0) return fail(WSAEOPNOTSUPP);
  rc = wsa::api::check_address_buffer(from, fromlen, family);
  if (rc != 0) return fail(rc);
  endpoint sender;
  std::size_t received = 0;
  rc = wsa::recv_from(s, buf, static_cast<std::size_t>(len), sender, received);
  // A datagram cut to the buffer (WSAEMSGSIZE) still says where it came from.
  if ((rc == 0 || rc == WSAEMSGSIZE) && from != nullptr) {
    wsa::api::write_endpoint(sender, from, fromlen);
  }
  return rc == 0 ? static_cast<int>(received) : fail(rc);
}

// On a stream socket, and on a datagram socket given no address (a connected one), sendto
// is send.
extern "C" int sendto(
    SOCKET s, const char* buf, int len, int flags, const struct sockaddr* to, int tolen) {
  address_family family{};
  evsel::protocol proto{};
  int rc = wsa::socket_kind(s, family, proto);
  if (rc != 0) return fail(rc);
  if (proto == evsel::protocol::tcp || to == nullptr) return send(s, buf, len, flags);
  if (bad_buffer(buf, len)) return fail(WSAEFAULT);
  if (flags != 0) return fail(WSAEOPNOTSUPP);
  endpoint remote;
  rc = wsa::api::read_endpoint(to, tolen, family, remote);
  std::size_t sent = 0;
  if (rc == 0) rc = wsa::send_to(s, buf, static_cast<std::size_t>(len), remote, sent);
  return rc == 0 ? static_cast<int>(sent) : fail(rc);
}

extern "C" int shutdown(SOCKET s, int how) {
  evsel::shutdown_mode mode = evsel::shutdown_mode::both;
  if (how == SD_RECEIVE) {
    mode = evsel::shutdown_mode::receive;
  } else if (how == SD_SEND) {
    mode = evsel::shutdown_mode::send;
  } else if (how != SD_BOTH) {
    return fail(argument_error(s, WSAEINVAL));
  }
  const int rc = wsa::shutdown(s, mode);
  return rc == 0 ? 0 : fail(rc);
}

extern "C" int getsockname(SOCKET s, struct sockaddr* name, int* namelen) {
  if (name == nullptr || namelen == nullptr) return fail(argument_error(s, WSAEFAULT));
  endpoint local;
  int rc = wsa::local_endpoint(s, local);
  if (rc == 0) rc = wsa::api::write_endpoint(local, name, namelen);
  return rc == 0 ? 0 : fail(rc);
}

extern "C" int getpeername(SOCKET s, struct sockaddr* name, int* namelen) {
  if (name == nullptr || namelen == nullptr) return fail(argument_error(s, WSAEFAULT));
  endpoint remote;
  int rc = wsa::remote_endpoint(s, remote);
  if (rc == 0) rc = wsa::api::write_endpoint(remote, name, namelen);
  return rc == 0 ? 0 : fail(rc);
}
