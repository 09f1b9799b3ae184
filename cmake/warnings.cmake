# SPDX-License-Identifier: MIT
# evsel: compiler warnings for evsel's own targets (never pushed onto consumers).
add_library(evsel_warnings INTERFACE)
if(MSVC)
  target_compile_options(evsel_warnings INTERFACE /W4 /permissive-)
  if(EVSEL_WARNINGS_AS_ERRORS)
    target_compile_options(evsel_warnings INTERFACE /WX)
  endif()
else()
  target_compile_options(evsel_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
  if(EVSEL_WARNINGS_AS_ERRORS)
    target_compile_options(evsel_warnings INTERFACE -Werror)
  endif()
endif()
