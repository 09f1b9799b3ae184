# SPDX-License-Identifier: MIT
# evsel: cross-build for 64-bit Windows with Debian's MinGW-w64; tests run under Wine.
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake)
# The -posix variants: GCC 12's win32 thread model has no std::thread or std::mutex.
find_program(CMAKE_C_COMPILER NAMES ${_evsel_triple}-gcc-posix ${_evsel_triple}-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES ${_evsel_triple}-g++-posix ${_evsel_triple}-g++ REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${_evsel_triple}-windres)
