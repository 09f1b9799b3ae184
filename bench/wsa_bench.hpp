// SPDX-License-Identifier: MIT
// evsel-wsa-bench: the Winsock side of the comparison, callable from a file that cannot
// include <winsock2.h> (evsel's side includes evsel, and on POSIX the two do not mix).
#pragma once

#include <cstddef>

namespace evsel_wsa_bench {

// Seconds per message round trip: `pairs` loopback connections, each client sends `size`
// bytes and the server echoes them, `rounds` times, all pairs at once; one thread waits on
// every socket's event object with WSAWaitForMultipleEvents (2 * pairs <= 64) and
// enumerates from the signalled index on, as the article's server does. Calls WSAStartup and
// WSACleanup itself. Ends the program with a message on any failure.
double winsock_exchange(std::size_t pairs, std::size_t rounds, std::size_t size);

}  // namespace evsel_wsa_bench
