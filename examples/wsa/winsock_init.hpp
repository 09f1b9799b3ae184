// SPDX-License-Identifier: MIT
// The article's examples: what its initsock.h's CInitSock did, Winsock's start and end tied to
// a scope, and a log whose lines stay whole when several threads write at once.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <mutex>

#include <winsock2.h>

class WinsockInit {
 public:
  WinsockInit() { startError_ = ::WSAStartup(MAKEWORD(2, 2), &data_); }
  ~WinsockInit() {
    if (startError_ == 0) ::WSACleanup();
  }
  WinsockInit(const WinsockInit&) = delete;
  WinsockInit& operator=(const WinsockInit&) = delete;

  // WSAStartup returns its error instead of setting WSAGetLastError: keep it for the caller.
  int error() const { return startError_; }

 private:
  WSADATA data_{};
  int startError_ = 0;
};

// One line on stdout, flushed at once: the session script reads the log while the program
// runs, and a file on stdout would otherwise hold the lines back until exit.
#if defined(__GNUC__)
inline void LogLine(const char* format, ...) __attribute__((format(printf, 1, 2)));
#endif
inline void LogLine(const char* format, ...) {
  static std::mutex lock;
  std::lock_guard<std::mutex> guard(lock);
  va_list args;
  va_start(args, format);
  std::vprintf(format, args);
  va_end(args);
  std::putchar('\n');
  std::fflush(stdout);
}
