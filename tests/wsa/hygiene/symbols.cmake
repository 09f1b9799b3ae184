# SPDX-License-Identifier: MIT
# evsel-wsa: cmake -P script. The library LIBRARY (static or shared) defines every Winsock
# call under evsel_wsa_<name> (PROVIDED) and not one symbol under a C library name (LIBC):
# defining bind or recv would interpose them for every other user in the process. PREFIX is
# the platform's symbol prefix (macOS: _).
cmake_minimum_required(VERSION 3.21)
foreach(_var NM LIBRARY PROVIDED LIBC)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "symbols.cmake: ${_var} is not set")
  endif()
endforeach()
string(REPLACE "," ";" PROVIDED "${PROVIDED}")
string(REPLACE "," ";" LIBC "${LIBC}")

execute_process(COMMAND ${NM} -g ${LIBRARY} RESULT_VARIABLE _status OUTPUT_VARIABLE _out
                ERROR_VARIABLE _err)
if(NOT _status EQUAL 0)
  message(FATAL_ERROR "${NM} -g ${LIBRARY} failed: ${_err}")
endif()
# Defined symbols only: "<address> <type> <name>", where an undefined one has no address.
string(REGEX MATCHALL "[0-9a-fA-F]+ [A-TV-Z] [^\n]+" _lines "${_out}")
set(_defined "")
foreach(_line IN LISTS _lines)
  string(REGEX REPLACE "^[0-9a-fA-F]+ [A-Z] " "" _name "${_line}")
  if(PREFIX AND _name MATCHES "^${PREFIX}")
    string(LENGTH "${PREFIX}" _length)
    string(SUBSTRING "${_name}" ${_length} -1 _name)
  endif()
  list(APPEND _defined "${_name}")
endforeach()

set(_problems "")
foreach(_name IN LISTS LIBC)
  if(_name IN_LIST _defined)
    string(APPEND _problems "\n  defines ${_name}, a C library name")
  endif()
endforeach()
foreach(_name IN LISTS PROVIDED)
  if(NOT "evsel_wsa_${_name}" IN_LIST _defined)
    string(APPEND _problems "\n  does not define evsel_wsa_${_name}")
  endif()
endforeach()
if(_problems)
  message(FATAL_ERROR "${LIBRARY}:${_problems}")
endif()
list(LENGTH PROVIDED _count)
message(STATUS "${_count} evsel_wsa_* symbols, no C library name")
