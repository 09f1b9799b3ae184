// SPDX-License-Identifier: MIT
// evsel: Winsock error codes: a category whose conditions MinGW's library would not provide.
#include <string>

#include "../native_errors.hpp"
#include "winsock.hpp"

namespace evsel {
namespace {

struct winsock_code {
  int code;
  const char* name;
  std::errc condition;
  // For when the OS has no text for the code (Wine has none for most): every code still
  // reads as a sentence, on every backend.
  const char* sentence;
};

constexpr auto no_counterpart = std::errc{};

// clang-format off
constexpr winsock_code codes[] = {
  {WSAEWOULDBLOCK,        "WSAEWOULDBLOCK",        std::errc::operation_would_block, "operation would block"},
  {WSAEINPROGRESS,        "WSAEINPROGRESS",        std::errc::operation_in_progress, "a blocking operation is in progress"},
  {WSAEALREADY,           "WSAEALREADY",           std::errc::connection_already_in_progress, "an operation is already in progress"},
  {WSAENOTSOCK,           "WSAENOTSOCK",           std::errc::not_a_socket, "not a socket"},
  {WSAEDESTADDRREQ,       "WSAEDESTADDRREQ",       std::errc::destination_address_required, "a destination address is required"},
  {WSAEMSGSIZE,           "WSAEMSGSIZE",           std::errc::message_size, "message too long"},
  {WSAEPROTOTYPE,         "WSAEPROTOTYPE",         std::errc::wrong_protocol_type, "wrong protocol type for the socket"},
  {WSAENOPROTOOPT,        "WSAENOPROTOOPT",        std::errc::no_protocol_option, "unknown or unsupported socket option"},
  {WSAEPROTONOSUPPORT,    "WSAEPROTONOSUPPORT",    std::errc::protocol_not_supported, "protocol not supported"},
  {WSAEOPNOTSUPP,         "WSAEOPNOTSUPP",         std::errc::operation_not_supported, "operation not supported"},
  {WSAEAFNOSUPPORT,       "WSAEAFNOSUPPORT",       std::errc::address_family_not_supported, "address family not supported"},
  {WSAEADDRINUSE,         "WSAEADDRINUSE",         std::errc::address_in_use, "address already in use"},
  {WSAEADDRNOTAVAIL,      "WSAEADDRNOTAVAIL",      std::errc::address_not_available, "address not available"},
  {WSAENETDOWN,           "WSAENETDOWN",           std::errc::network_down, "the network is down"},
  {WSAENETUNREACH,        "WSAENETUNREACH",        std::errc::network_unreachable, "the network is unreachable"},
  {WSAENETRESET,          "WSAENETRESET",          std::errc::network_reset, "the connection was broken by keep-alive or timed out"},
  {WSAECONNABORTED,       "WSAECONNABORTED",       std::errc::connection_aborted, "the connection was aborted"},
  {WSAECONNRESET,         "WSAECONNRESET",         std::errc::connection_reset, "connection reset by peer"},
  {WSAENOBUFS,            "WSAENOBUFS",            std::errc::no_buffer_space, "no buffer space available"},
  {WSAEISCONN,            "WSAEISCONN",            std::errc::already_connected, "the socket is already connected"},
  {WSAENOTCONN,           "WSAENOTCONN",           std::errc::not_connected, "the socket is not connected"},
  {WSAETIMEDOUT,          "WSAETIMEDOUT",          std::errc::timed_out, "the connection timed out"},
  {WSAECONNREFUSED,       "WSAECONNREFUSED",       std::errc::connection_refused, "connection refused"},
  {WSAEHOSTUNREACH,       "WSAEHOSTUNREACH",       std::errc::host_unreachable, "no route to the host"},
  {WSAEINTR,              "WSAEINTR",              std::errc::interrupted, "the call was interrupted"},
  {WSAEBADF,              "WSAEBADF",              std::errc::bad_file_descriptor, "bad file handle"},
  {WSAEACCES,             "WSAEACCES",             std::errc::permission_denied, "permission denied"},
  {WSAEFAULT,             "WSAEFAULT",             std::errc::bad_address, "bad address"},
  {WSAEINVAL,             "WSAEINVAL",             std::errc::invalid_argument, "invalid argument"},
  {WSAEMFILE,             "WSAEMFILE",             std::errc::too_many_files_open, "too many open sockets"},
  {WSA_INVALID_HANDLE,    "WSA_INVALID_HANDLE",    std::errc::bad_file_descriptor, "invalid event handle"},
  {WSA_INVALID_PARAMETER, "WSA_INVALID_PARAMETER", std::errc::invalid_argument, "invalid parameter"},
  {WSA_NOT_ENOUGH_MEMORY, "WSA_NOT_ENOUGH_MEMORY", std::errc::not_enough_memory, "not enough memory"},
  // No std::errc counterpart (evsel's own comparisons are in native_code_matches).
  {WSAESHUTDOWN,          "WSAESHUTDOWN",          no_counterpart, "the socket was shut down in that direction"},
  {WSAEHOSTDOWN,          "WSAEHOSTDOWN",          no_counterpart, "the host is down"},
  {WSAEPROCLIM,           "WSAEPROCLIM",           no_counterpart, "too many processes use Winsock"},
  {WSAEDISCON,            "WSAEDISCON",            no_counterpart, "the peer is shutting down gracefully"},
  {WSANOTINITIALISED,     "WSANOTINITIALISED",     no_counterpart, "Winsock is not initialised (WSAStartup)"},
  {WSASYSNOTREADY,        "WSASYSNOTREADY",        no_counterpart, "the network subsystem is not ready"},
};
// clang-format on

const winsock_code* find(int code) noexcept {
  for (const winsock_code& entry : codes) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

class winsock_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "winsock"; }

  std::string message(int code) const override {
    char buffer[512];
    DWORD length =
        FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
                       static_cast<DWORD>(code), 0, buffer, sizeof buffer, nullptr);
    while (length > 0 && (buffer[length - 1] == '\r' || buffer[length - 1] == '\n' ||
                          buffer[length - 1] == ' ' || buffer[length - 1] == '.')) {
      --length;
    }
    if (length > 0) return std::string(buffer, length);
    // Wine (and MinGW's strerror) have no text for most Winsock codes: say it in our words,
    // with the code's name, which is what a porter searches for.
    const winsock_code* entry = find(code);
    if (entry == nullptr) return "Winsock error " + std::to_string(code);
    return std::string(entry->sentence) + " (" + entry->name + ", " + std::to_string(code) + ")";
  }

  std::error_condition default_error_condition(int code) const noexcept override {
    const winsock_code* entry = find(code);
    if (entry != nullptr && entry->condition != no_counterpart) {
      return std::make_error_condition(entry->condition);
    }
    return {code, *this};
  }
};

}  // namespace

const std::error_category& native_category() noexcept {
  static const winsock_category category;
  return category;
}

namespace detail {

bool native_code_matches(const std::error_code& code, errc cond) noexcept {
  if (code.category() != native_category()) return false;
  switch (cond) {
    case errc::shut_down:
      return code.value() == WSAESHUTDOWN;
    case errc::host_unreachable:
      return code.value() == WSAEHOSTDOWN;
    case errc::timed_out:
      // WSAENETRESET: on a TCP socket, keep-alive found the peer gone; on a UDP socket, a
      // datagram's time to live ran out (Windows Sockets error codes). Timeouts both.
      return code.value() == WSAENETRESET;
    case errc::too_many_files_open:
      return code.value() == WSAEPROCLIM;
    default:
      return false;
  }
}

}  // namespace detail
}  // namespace evsel
