// SPDX-License-Identifier: MIT
// evsel: the evsel error category: messages and the portable comparison tables.
#include <evsel/error.hpp>

#include <initializer_list>
#include <string>

#include "native_errors.hpp"

namespace evsel {
namespace {

struct condition_info {
  const char* message;
  std::initializer_list<std::errc> matches;  // std::errc counterparts, checked through the
                                             // code's own category (errno and Winsock alike)
};

// clang-format off
condition_info info(errc e) noexcept {
  switch (e) {
    case errc::would_block:                  return {"operation would block", {std::errc::operation_would_block, std::errc::resource_unavailable_try_again}};
    case errc::connection_refused:           return {"connection refused", {std::errc::connection_refused}};
    case errc::connection_reset:             return {"connection reset by peer", {std::errc::connection_reset}};
    case errc::connection_aborted:           return {"connection aborted", {std::errc::connection_aborted}};
    case errc::timed_out:                    return {"timed out", {std::errc::timed_out}};
    case errc::network_unreachable:          return {"network unreachable", {std::errc::network_unreachable}};
    case errc::host_unreachable:             return {"host unreachable", {std::errc::host_unreachable}};
    case errc::network_down:                 return {"network is down", {std::errc::network_down}};
    case errc::not_connected:                return {"socket is not connected", {std::errc::not_connected, std::errc::destination_address_required}};
    case errc::already_connected:            return {"socket is already connected", {std::errc::already_connected}};
    case errc::connection_in_progress:       return {"a connect attempt is already in progress", {std::errc::connection_already_in_progress}};
    case errc::shut_down:                    return {"the direction was shut down", {}};
    case errc::message_size:                 return {"datagram larger than the buffer", {std::errc::message_size}};
    case errc::address_in_use:               return {"address in use", {std::errc::address_in_use}};
    case errc::address_not_available:        return {"address not available", {std::errc::address_not_available}};
    case errc::address_family_not_supported: return {"address family does not match the socket", {std::errc::address_family_not_supported}};
    case errc::no_buffer_space:              return {"no buffer space", {std::errc::no_buffer_space, std::errc::not_enough_memory}};
    case errc::too_many_files_open:          return {"too many open files or sockets", {std::errc::too_many_files_open, std::errc::too_many_files_open_in_system}};
    case errc::access_denied:                return {"access denied", {std::errc::permission_denied, std::errc::operation_not_permitted}};
    case errc::operation_not_supported:      return {"operation not supported on this socket", {std::errc::operation_not_supported, std::errc::not_supported, std::errc::protocol_not_supported}};
    case errc::not_a_socket:                 return {"not an open socket", {std::errc::not_a_socket, std::errc::bad_file_descriptor}};
    case errc::invalid_argument:             return {"invalid argument", {std::errc::invalid_argument}};
    case errc::not_registered:               return {"socket is not registered with this poller", {}};
    case errc::already_registered:           return {"socket is already registered with a poller", {}};
  }
  return {"unknown evsel error", {}};
}
// clang-format on

class evsel_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "evsel"; }

  std::string message(int value) const override { return info(static_cast<errc>(value)).message; }

  bool equivalent(const std::error_code& code, int condition) const noexcept override {
    if (code.category() == *this) return code.value() == condition;
    const auto cond = static_cast<errc>(condition);
    for (const std::errc counterpart : info(cond).matches) {
      if (code == counterpart) return true;
    }
    return detail::native_code_matches(code, cond);
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const evsel_category category;
  return category;
}

}  // namespace evsel
