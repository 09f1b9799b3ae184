// SPDX-License-Identifier: MIT
// evsel: library version (CMake reads it from here; project(VERSION) must agree).
#pragma once

#define EVSEL_VERSION_MAJOR 0
#define EVSEL_VERSION_MINOR 1
#define EVSEL_VERSION_PATCH 0
#define EVSEL_VERSION_STRING "0.1.0"
