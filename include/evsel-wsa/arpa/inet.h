/* SPDX-License-Identifier: MIT */
/* evsel-wsa: in front of the system's <arpa/inet.h> (evsel_wsa/posix_front.h says why). */
/* For #include_next, which -Wpedantic calls an extension. */
#pragma GCC system_header
#include "../evsel_wsa/posix_front.h"
#ifndef EVSEL_WSA_FRONT_REFUSED
#include_next <arpa/inet.h>
#endif
