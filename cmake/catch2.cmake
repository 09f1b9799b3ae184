# SPDX-License-Identifier: MIT
# evsel: locate Catch2 v2's single header without putting the host's /usr/include on the
# include path (a MinGW build would pick up glibc headers from there).
set(EVSEL_CATCH2_HEADER "" CACHE FILEPATH "Path to Catch2 v2's single header catch.hpp")
if(NOT EVSEL_CATCH2_HEADER)
  find_file(EVSEL_CATCH2_HEADER_FOUND catch2/catch.hpp
            PATHS /usr/include /usr/local/include NO_CMAKE_FIND_ROOT_PATH NO_DEFAULT_PATH)
  if(NOT EVSEL_CATCH2_HEADER_FOUND)
    message(FATAL_ERROR "Catch2 v2 (catch2/catch.hpp) not found: install Debian's catch2 "
                        "or set EVSEL_CATCH2_HEADER")
  endif()
  set(EVSEL_CATCH2_HEADER ${EVSEL_CATCH2_HEADER_FOUND})
endif()
configure_file(${EVSEL_CATCH2_HEADER} ${PROJECT_BINARY_DIR}/_deps/catch2/catch2/catch.hpp COPYONLY)
add_library(evsel_catch2 INTERFACE)
target_include_directories(evsel_catch2 SYSTEM INTERFACE ${PROJECT_BINARY_DIR}/_deps/catch2)

# catch_discover_tests: Debian ships the module; other platforms point CMAKE_MODULE_PATH
# at their Catch2 v2 'contrib' directory.
find_path(EVSEL_CATCH2_CMAKE_DIR Catch.cmake
          PATHS /usr/lib/cmake/Catch2 /usr/local/lib/cmake/Catch2 /usr/share/Catch2/cmake
          NO_CMAKE_FIND_ROOT_PATH)
if(EVSEL_CATCH2_CMAKE_DIR)
  list(APPEND CMAKE_MODULE_PATH ${EVSEL_CATCH2_CMAKE_DIR})
endif()
include(Catch)
