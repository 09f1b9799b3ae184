# SPDX-License-Identifier: MIT
# evsel: the Catch2 the test suites build with, as the interface target evsel_catch2, and
# catch_discover_tests from the same Catch2 generation (the two list their tests differently).
# EVSEL_CATCH2 picks the generation:
#   v2    Catch2 v2's single header: EVSEL_CATCH2_HEADER, with CMAKE_MODULE_PATH pointing at
#         its Catch.cmake (as .github/fetch-catch2.sh lays them out), or Debian's catch2 (up
#         to bookworm). The header is copied so that the host's /usr/include never lands on
#         the include path (a MinGW build would pick up glibc headers from there).
#   v3    find_package(Catch2 3), linked as Catch2::Catch2 (not Catch2WithMain: tests/main.cpp
#         is the runner).
#   auto  v2 when EVSEL_CATCH2_HEADER is given or when cross-compiling (a distribution's
#         libCatch2.a is built for the host, not the target), else v3 if found, else v2.
# EVSEL_CATCH2_MAJOR (2 or 3) tells the chosen generation to the CMake code and, as a compile
# definition, to tests/support/catch.hpp, the header every test source includes.
set(EVSEL_CATCH2 auto CACHE STRING "Catch2 generation for the tests: auto, v2 or v3")
set_property(CACHE EVSEL_CATCH2 PROPERTY STRINGS auto v2 v3)
set(EVSEL_CATCH2_HEADER "" CACHE FILEPATH "Path to Catch2 v2's single header catch.hpp")
if(NOT EVSEL_CATCH2 MATCHES "^(auto|v2|v3)$")
  message(FATAL_ERROR "EVSEL_CATCH2 must be auto, v2 or v3, not '${EVSEL_CATCH2}'")
endif()

set(_evsel_catch2 ${EVSEL_CATCH2})
if(_evsel_catch2 STREQUAL "auto")
  if(EVSEL_CATCH2_HEADER OR CMAKE_CROSSCOMPILING)
    set(_evsel_catch2 v2)
  else()
    find_package(Catch2 3 CONFIG QUIET)
    if(Catch2_FOUND)
      set(_evsel_catch2 v3)
    else()
      set(_evsel_catch2 v2)
    endif()
  endif()
elseif(_evsel_catch2 STREQUAL "v3")
  find_package(Catch2 3 CONFIG REQUIRED)
endif()

add_library(evsel_catch2 INTERFACE)
if(_evsel_catch2 STREQUAL "v3")
  set(EVSEL_CATCH2_MAJOR 3)
  target_link_libraries(evsel_catch2 INTERFACE Catch2::Catch2)
  target_compile_definitions(evsel_catch2 INTERFACE EVSEL_CATCH2_MAJOR=${EVSEL_CATCH2_MAJOR})
  # By path: a v2 Catch.cmake earlier on CMAKE_MODULE_PATH must not be the one included.
  include(${Catch2_DIR}/Catch.cmake)
  message(STATUS "evsel tests: Catch2 ${Catch2_VERSION} (v3, ${Catch2_DIR})")
  set(EVSEL_CATCH2_VERSION ${Catch2_VERSION} CACHE INTERNAL "")  # for run.sh's summary
else()
  set(EVSEL_CATCH2_MAJOR 2)
  if(NOT EVSEL_CATCH2_HEADER)
    find_file(EVSEL_CATCH2_HEADER_FOUND catch2/catch.hpp
              PATHS /usr/include /usr/local/include NO_CMAKE_FIND_ROOT_PATH NO_DEFAULT_PATH)
    if(NOT EVSEL_CATCH2_HEADER_FOUND)
      message(FATAL_ERROR "Catch2 v2 (catch2/catch.hpp) not found: install Debian's catch2 "
                          "(bookworm or older), or fetch it with .github/fetch-catch2.sh DIR "
                          "and set EVSEL_CATCH2_HEADER=DIR/catch.hpp CMAKE_MODULE_PATH=DIR")
    endif()
    set(EVSEL_CATCH2_HEADER ${EVSEL_CATCH2_HEADER_FOUND})
  endif()
  configure_file(${EVSEL_CATCH2_HEADER} ${PROJECT_BINARY_DIR}/_deps/catch2/catch2/catch.hpp
                 COPYONLY)
  target_include_directories(evsel_catch2 SYSTEM INTERFACE ${PROJECT_BINARY_DIR}/_deps/catch2)
  target_compile_definitions(evsel_catch2 INTERFACE EVSEL_CATCH2_MAJOR=${EVSEL_CATCH2_MAJOR})
  file(STRINGS ${EVSEL_CATCH2_HEADER} _evsel_catch2_version
       REGEX "^#define CATCH_VERSION_(MAJOR|MINOR|PATCH) ")
  string(REGEX MATCHALL "[0-9]+" _evsel_catch2_version "${_evsel_catch2_version}")
  list(JOIN _evsel_catch2_version "." _evsel_catch2_version)
  # catch_discover_tests: Debian's catch2 ships the module; elsewhere CMAKE_MODULE_PATH points
  # at v2's (appended here, so that one comes first).
  find_path(EVSEL_CATCH2_CMAKE_DIR Catch.cmake
            PATHS /usr/lib/cmake/Catch2 /usr/local/lib/cmake/Catch2 /usr/share/Catch2/cmake
            NO_CMAKE_FIND_ROOT_PATH)
  if(EVSEL_CATCH2_CMAKE_DIR)
    list(APPEND CMAKE_MODULE_PATH ${EVSEL_CATCH2_CMAKE_DIR})
  endif()
  include(Catch)
  # v3's module (Debian trixie's catch2, say) lists the tests with options a v2 program reads
  # otherwise: it would register garbage.
  file(STRINGS ${_CATCH_DISCOVER_TESTS_SCRIPT} _evsel_v2_listing REGEX "--list-test-names-only")
  if(NOT _evsel_v2_listing)
    message(FATAL_ERROR "${_CATCH_DISCOVER_TESTS_SCRIPT} is not Catch2 v2's test discovery: "
                        "point CMAKE_MODULE_PATH at v2's Catch.cmake (.github/fetch-catch2.sh)")
  endif()
  message(STATUS "evsel tests: Catch2 ${_evsel_catch2_version} (v2, ${EVSEL_CATCH2_HEADER})")
  set(EVSEL_CATCH2_VERSION ${_evsel_catch2_version} CACHE INTERNAL "")  # for run.sh's summary
endif()
