// SPDX-License-Identifier: MIT
// evsel baselines: what the comparison servers share: their command line, the stop signal
// and the upkeep of a connection's queue.
#pragma once

// The Winsock servers share the command line: sockaddr_storage and socklen_t come from
// Winsock there.
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <sys/socket.h>
#endif

#include <cstddef>
#include <string>

namespace evsel_bench {

// An IPv4 or IPv6 address with its port, ready for bind().
struct socket_address {
  sockaddr_storage storage{};
  socklen_t size = 0;
};

// Reads "ADDR:PORT" or "[V6ADDR]:PORT", numeric only: a benchmark should not depend on
// name resolution. False if the text is anything else.
bool parse_socket_address(const char* text, socket_address& out);

// Reads "--listen ADDR:PORT" and "--help" for `program`, whose one-line `summary` the usage
// shows. Returns -1 when the server is to run on `out`, otherwise the exit status.
int read_command_line(int argc,
                      char** argv,
                      const char* program,
                      const char* summary,
                      const char* default_address,
                      socket_address& out);

// SIGINT and SIGTERM set a flag, and interrupt a blocking wait (no SA_RESTART). On Windows
// SIGINT, SIGTERM and SIGBREAK set it (there are no interrupted waits: the servers' waits are
// bounded).
void watch_stop_signals();
bool stop_requested() noexcept;

// After a send from a connection's queue (`unsent`, of which `sent` bytes went out): an
// emptied queue gives its memory back, and what went out leaves once it is most of the
// queue, so copying stays proportional to the queue.
void settle_queue(std::string& unsent, std::size_t& sent);

}  // namespace evsel_bench
