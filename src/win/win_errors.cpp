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
};

// clang-format off
constexpr winsock_code codes[] = {
  {WSAEWOULDBLOCK,        "WSAEWOULDBLOCK",        std::errc::operation_would_block},
  {WSAEINPROGRESS,        "WSAEINPROGRESS",        std::errc::operation_in_progress},
  {WSAEALREADY,           "WSAEALREADY",           std::errc::connection_already_in_progress},
  {WSAENOTSOCK,           "WSAENOTSOCK",           std::errc::not_a_socket},
  {WSAEDESTADDRREQ,       "WSAEDESTADDRREQ",       std::errc::destination_address_required},
  {WSAEMSGSIZE,           "WSAEMSGSIZE",           std::errc::message_size},
  {WSAEPROTOTYPE,         "WSAEPROTOTYPE",         std::errc::wrong_protocol_type},
  {WSAENOPROTOOPT,        "WSAENOPROTOOPT",        std::errc::no_protocol_option},
  {WSAEPROTONOSUPPORT,    "WSAEPROTONOSUPPORT",    std::errc::protocol_not_supported},
  {WSAEOPNOTSUPP,         "WSAEOPNOTSUPP",         std::errc::operation_not_supported},
  {WSAEAFNOSUPPORT,       "WSAEAFNOSUPPORT",       std::errc::address_family_not_supported},
  {WSAEADDRINUSE,         "WSAEADDRINUSE",         std::errc::address_in_use},
  {WSAEADDRNOTAVAIL,      "WSAEADDRNOTAVAIL",      std::errc::address_not_available},
  {WSAENETDOWN,           "WSAENETDOWN",           std::errc::network_down},
  {WSAENETUNREACH,        "WSAENETUNREACH",        std::errc::network_unreachable},
  {WSAENETRESET,          "WSAENETRESET",          std::errc::network_reset},
  {WSAECONNABORTED,       "WSAECONNABORTED",       std::errc::connection_aborted},
  {WSAECONNRESET,         "WSAECONNRESET",         std::errc::connection_reset},
  {WSAENOBUFS,            "WSAENOBUFS",            std::errc::no_buffer_space},
  {WSAEISCONN,            "WSAEISCONN",            std::errc::already_connected},
  {WSAENOTCONN,           "WSAENOTCONN",           std::errc::not_connected},
  {WSAETIMEDOUT,          "WSAETIMEDOUT",          std::errc::timed_out},
  {WSAECONNREFUSED,       "WSAECONNREFUSED",       std::errc::connection_refused},
  {WSAEHOSTUNREACH,       "WSAEHOSTUNREACH",       std::errc::host_unreachable},
  {WSAEINTR,              "WSAEINTR",              std::errc::interrupted},
  {WSAEBADF,              "WSAEBADF",              std::errc::bad_file_descriptor},
  {WSAEACCES,             "WSAEACCES",             std::errc::permission_denied},
  {WSAEFAULT,             "WSAEFAULT",             std::errc::bad_address},
  {WSAEINVAL,             "WSAEINVAL",             std::errc::invalid_argument},
  {WSAEMFILE,             "WSAEMFILE",             std::errc::too_many_files_open},
  {WSA_INVALID_HANDLE,    "WSA_INVALID_HANDLE",    std::errc::bad_file_descriptor},
  {WSA_INVALID_PARAMETER, "WSA_INVALID_PARAMETER", std::errc::invalid_argument},
  {WSA_NOT_ENOUGH_MEMORY, "WSA_NOT_ENOUGH_MEMORY", std::errc::not_enough_memory},
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
    // Wine (and MinGW's strerror) have no text for most Winsock codes: name the code.
    const winsock_code* entry = find(code);
    return std::string(entry != nullptr ? entry->name : "Winsock error") + " (" +
           std::to_string(code) + ")";
  }

  std::error_condition default_error_condition(int code) const noexcept override {
    const winsock_code* entry = find(code);
    if (entry != nullptr) return std::make_error_condition(entry->condition);
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
