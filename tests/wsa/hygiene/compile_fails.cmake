# SPDX-License-Identifier: MIT
# evsel-wsa: cmake -P script. SOURCE must fail to compile as C11 with C_COMPILER and as C++17
# with CXX_COMPILER (the layer's headers on INCLUDE), each time with a message matching
# EXPECT: a refusal that compiled, or failed for another reason, is a failure.
cmake_minimum_required(VERSION 3.21)
foreach(_var C_COMPILER CXX_COMPILER INCLUDE SOURCE EXPECT)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "compile_fails.cmake: ${_var} is not set")
  endif()
endforeach()

set(_flags -Wall -Wextra -Wpedantic -fsyntax-only -I${INCLUDE})
foreach(_language c c++)
  if(_language STREQUAL "c")
    set(_command ${C_COMPILER} -std=c11 -x c ${_flags} ${SOURCE})
  else()
    set(_command ${CXX_COMPILER} -std=c++17 -x c++ ${_flags} ${SOURCE})
  endif()
  execute_process(COMMAND ${_command} RESULT_VARIABLE _status OUTPUT_VARIABLE _out
                  ERROR_VARIABLE _out)
  if(_status EQUAL 0)
    message(FATAL_ERROR "${SOURCE} compiled as ${_language}; it must be refused")
  endif()
  if(NOT _out MATCHES "${EXPECT}")
    message(FATAL_ERROR "${SOURCE} failed as ${_language} without \"${EXPECT}\":\n${_out}")
  endif()
  message(STATUS "${_language}: refused with the expected message")
endforeach()
