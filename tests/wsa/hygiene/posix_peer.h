/* SPDX-License-Identifier: MIT */
/* evsel-wsa: the interface of posix_peer.c, free of socket headers so both sides include it. */
#ifndef EVSEL_WSA_TEST_POSIX_PEER_H
#define EVSEL_WSA_TEST_POSIX_PEER_H

/* A socketpair, and "libc" through the C library's send and recv: 0, or the step that
   failed. */
int evsel_wsa_test_libc_round_trip(void);

#endif
