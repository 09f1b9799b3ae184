// SPDX-License-Identifier: MIT
// evsel-bench-load: the server's address, as given on the command line.
#pragma once

#include <string>
#include <string_view>

#include <sys/socket.h>

namespace evsel_loadgen {

struct address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string text;  // as the user wrote it, for messages

  int family() const noexcept { return storage.ss_family; }
  const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
};

// Reads "A.B.C.D:PORT" or "[IPv6]:PORT" (numeric only: a benchmark should not depend on a
// name lookup). Returns false, leaving `out` alone, for anything else.
bool parse_address(std::string_view text, address& out);

}  // namespace evsel_loadgen
