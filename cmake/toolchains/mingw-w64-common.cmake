# SPDX-License-Identifier: MIT
# evsel: what the MinGW-w64 toolchain files share (included by them, not a toolchain file of
# its own): the target, the MinGW-w64 sysroot, a static runtime and Wine to run the tests.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(_evsel_triple x86_64-w64-mingw32)
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
