// SPDX-License-Identifier: MIT
// evsel-wsa conformance list: the runner; prints which Winsock the results belong to, as that
// Winsock describes itself (ws2_32 under Windows or Wine, or the evsel-wsa layer).
#define CATCH_CONFIG_RUNNER
#include <cstdio>

#include <winsock2.h>

#include "support/catch.hpp"

namespace {

// Test discovery reads the listing on stdout; the banner goes to stderr anyway, and is left
// out so that a build does not print it for every discovery.
bool listing_only(const Catch::ConfigData& config) {
#if EVSEL_CATCH2_MAJOR < 3
  if (config.listTestNamesOnly) return true;
#else
  if (config.listListeners) return true;
#endif
  return config.listTests || config.listTags || config.listReporters;
}

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
  if (!listing_only(session.configData())) print_banner();
  return session.run();
}
