// SPDX-License-Identifier: MIT
// evsel examples: <windows.h> without its min/max macros and rarely used parts. Windows only.
#pragma once

#if defined(_WIN32)
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#endif
