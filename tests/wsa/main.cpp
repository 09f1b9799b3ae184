// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: the runner; prints which Winsock the results belong to, as that
// Winsock describes itself (ws2_32 under Windows or Wine, or the evsel-wsa layer).
#define CATCH_CONFIG_RUNNER
#include <cstdio>

#include <winsock2.h>

#include "support/catch.hpp"

namespace {

// Startup and cleanup balance, so that every case starts with Winsock not initialised.
void print_banner() {
  WSADATA data{};
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) {
    std::fprintf(stderr, "evsel_wsa: WSAStartup failed\n");
    return;
  }
  std::fprintf(stderr, "evsel_wsa: Winsock %d.%d, %s%s%s\n", data.wVersion & 0xff,
               (data.wVersion >> 8) & 0xff, data.szDescription, data.szSystemStatus[0] ? ", " : "",
               data.szSystemStatus);
  WSACleanup();
}

}  // namespace

int main(int argc, char** argv) {
  Catch::Session session;
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  if (!evsel_test::listing_only(session.configData())) print_banner();
  return session.run();
}
