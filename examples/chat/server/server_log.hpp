// SPDX-License-Identifier: MIT
// evsel chat server: one timestamped line per connect, disconnect and error, on stderr.
#pragma once

#include <string_view>

namespace evsel::chat {

class server_log {
 public:
  explicit server_log(bool quiet) : quiet_(quiet) {}
  // "2026-11-27T14:55:02.123Z <text>", unless quiet.
  void note(std::string_view text) const;

 private:
  bool quiet_;
};

}  // namespace evsel::chat
