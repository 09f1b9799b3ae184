# SPDX-License-Identifier: MIT
# evsel: cross-build for 64-bit Windows with Debian's MinGW-w64; tests run under Wine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(_evsel_triple x86_64-w64-mingw32)
# The -posix variants: GCC 12's win32 thread model has no std::thread or std::mutex.
find_program(CMAKE_C_COMPILER NAMES ${_evsel_triple}-gcc-posix ${_evsel_triple}-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES ${_evsel_triple}-g++-posix ${_evsel_triple}-g++ REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${_evsel_triple}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${_evsel_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# A static runtime: test programs then start under Wine without a WINEPATH.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
find_program(EVSEL_WINE NAMES wine64 wine)
if(EVSEL_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${EVSEL_WINE}")
endif()
