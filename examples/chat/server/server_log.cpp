// SPDX-License-Identifier: MIT
// evsel chat server: one timestamped line per connect, disconnect and error, on stderr.
#include "server_log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace evsel::chat {

void server_log::note(std::string_view text) const {
  if (quiet_) return;
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t seconds = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
#if defined(_WIN32)
  gmtime_s(&utc, &seconds);
#else
  gmtime_r(&seconds, &utc);
#endif
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  std::fprintf(stderr, "%s.%03dZ %.*s\n", stamp, static_cast<int>(millis),
               static_cast<int>(text.size()), text.data());
  std::fflush(stderr);
}

}  // namespace evsel::chat
