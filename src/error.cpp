// SPDX-License-Identifier: MIT
// evsel: the evsel error category: messages and the portable comparison tables.
#include <cstddef>
#include <string>

#include <evsel/error.hpp>

#include "misuse.hpp"
#include "native_errors.hpp"

namespace evsel {
namespace {

struct condition_info {
  errc condition;
  const char* message;
  // std::errc counterparts, compared through the code's own category (errno and Winsock
  // alike); unused slots repeat the first entry.
  std::errc matches[3];
  std::size_t match_count;
};

// clang-format off
constexpr condition_info conditions[] = {
  {errc::would_block,                  "operation would block", {std::errc::operation_would_block, std::errc::resource_unavailable_try_again}, 2},
  {errc::connection_refused,           "connection refused", {std::errc::connection_refused}, 1},
  {errc::connection_reset,             "connection reset by peer", {std::errc::connection_reset}, 1},
  {errc::connection_aborted,           "connection aborted", {std::errc::connection_aborted}, 1},
  {errc::timed_out,                    "timed out", {std::errc::timed_out}, 1},
  {errc::network_unreachable,          "network unreachable", {std::errc::network_unreachable}, 1},
  {errc::host_unreachable,             "host unreachable", {std::errc::host_unreachable}, 1},
  {errc::network_down,                 "network is down", {std::errc::network_down}, 1},
  {errc::not_connected,                "socket is not connected", {std::errc::not_connected, std::errc::destination_address_required}, 2},
  {errc::already_connected,            "socket is already connected", {std::errc::already_connected}, 1},
  {errc::connection_in_progress,       "a connect attempt is already in progress", {std::errc::connection_already_in_progress}, 1},
  {errc::shut_down,                    "the direction was shut down", {}, 0},
  {errc::message_size,                 "datagram larger than the buffer", {std::errc::message_size}, 1},
  {errc::address_in_use,               "address in use", {std::errc::address_in_use}, 1},
  {errc::address_not_available,        "address not available", {std::errc::address_not_available}, 1},
  {errc::address_family_not_supported, "address family does not match the socket", {std::errc::address_family_not_supported}, 1},
  {errc::no_buffer_space,              "no buffer space", {std::errc::no_buffer_space, std::errc::not_enough_memory}, 2},
  {errc::too_many_files_open,          "too many open files or sockets", {std::errc::too_many_files_open, std::errc::too_many_files_open_in_system}, 2},
  {errc::access_denied,                "access denied", {std::errc::permission_denied, std::errc::operation_not_permitted}, 2},
  {errc::operation_not_supported,      "operation not supported on this socket", {std::errc::operation_not_supported, std::errc::not_supported, std::errc::protocol_not_supported}, 3},
  {errc::not_a_socket,                 "not an open socket", {std::errc::not_a_socket, std::errc::bad_file_descriptor}, 2},
  {errc::invalid_argument,             "invalid argument", {std::errc::invalid_argument}, 1},
  {errc::not_registered,               "socket is not registered with this poller", {}, 0},
  {errc::already_registered,           "socket is already registered with a poller", {}, 0},
};
// clang-format on

struct misuse_info {
  detail::misuse code;
  errc condition;
  const char* message;
};

// clang-format off
constexpr misuse_info misuses[] = {
  {detail::misuse::no_buffer,             errc::invalid_argument,        "invalid argument: the data pointer is null or the size is zero"},
  {detail::misuse::event_mask,            errc::invalid_argument,        "invalid argument: the event mask has bits outside evsel::all_events"},
  {detail::misuse::record_array,          errc::invalid_argument,        "invalid argument: wait needs a record array and a capacity of at least one"},
  {detail::misuse::accept_not_listening,  errc::invalid_argument,        "invalid argument: accept on a socket that is not listening"},
  {detail::misuse::listen_in_wrong_stage, errc::invalid_argument,        "invalid argument: listen on a socket that is connecting, connected or failed"},
  {detail::misuse::connect_on_listener,   errc::invalid_argument,        "invalid argument: connect on a listening socket"},
  {detail::misuse::connect_after_failure, errc::invalid_argument,        "invalid argument: connect again after a failed attempt (open a new socket)"},
  {detail::misuse::buffer_size,           errc::invalid_argument,        "invalid argument: a buffer size must be at least one byte"},
  {detail::misuse::linger_range,          errc::invalid_argument,        "invalid argument: the linger timeout must be 0 to 65535 seconds"},
  {detail::misuse::lingering_close,       errc::operation_not_supported, "a linger timeout above zero is not supported: close would block (evsel sockets never block)"},
  {detail::misuse::keep_alive_timing,     errc::invalid_argument,        "invalid argument: keep-alive needs idle and interval of 1 to 32767 s and 1 to 127 probes"},
  {detail::misuse::endpoint_text,         errc::invalid_argument,        "invalid argument: malformed endpoint text (expected A.B.C.D:PORT or [IPv6]:PORT)"},
  {detail::misuse::empty_object,          errc::invalid_argument,        "invalid argument: the user_event or timer is empty (moved from)"},
  {detail::misuse::timer_period,          errc::invalid_argument,        "invalid argument: a timer period cannot be negative"},
  {detail::misuse::timeout_range,         errc::invalid_argument,        "invalid argument: an idle timeout cannot be negative"},
};
// clang-format on

const misuse_info* find_misuse(int value) noexcept {
  for (const misuse_info& info : misuses) {
    if (static_cast<int>(info.code) == value) return &info;
  }
  return nullptr;
}

// The errc a code of evsel's own category stands for: itself, or the one its misuse is of.
int condition_of(int value) noexcept {
  const misuse_info* info = find_misuse(value);
  return info != nullptr ? static_cast<int>(info->condition) : value;
}

const condition_info* find(int value) noexcept {
  for (const condition_info& info : conditions) {
    if (static_cast<int>(info.condition) == value) return &info;
  }
  return nullptr;
}

class evsel_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "evsel"; }

  std::string message(int value) const override {
    if (const misuse_info* wrong = find_misuse(value)) return wrong->message;
    const condition_info* info = find(value);
    return info != nullptr ? info->message : "unknown evsel error";
  }

  bool equivalent(const std::error_code& code, int condition) const noexcept override {
    if (code.category() == *this) return condition_of(code.value()) == condition;
    const condition_info* info = find(condition);
    if (info == nullptr) return false;
    for (std::size_t i = 0; i < info->match_count; ++i) {
      if (code == info->matches[i]) return true;
    }
    return detail::native_code_matches(code, info->condition);
  }

  std::error_condition default_error_condition(int value) const noexcept override {
    return {condition_of(value), *this};
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const evsel_category category;
  return category;
}

namespace detail {

std::error_code make_error_code(misuse m) noexcept {
  return {static_cast<int>(m), error_category()};
}

}  // namespace detail

}  // namespace evsel
