# SPDX-License-Identifier: MIT
# evsel: fails unless README.md shows exactly the compiled quick-start program.
# Usage: cmake -DREADME=<README.md> -DSOURCE=<quickstart.cpp> -P check-readme-example.cmake
file(READ "${README}" readme)
file(READ "${SOURCE}" source)
string(REGEX MATCH "<!-- quickstart begin -->\n```cpp\n(.*)```\n<!-- quickstart end -->" _ "${readme}")
if(NOT CMAKE_MATCH_1)
  message(FATAL_ERROR "README.md has no quickstart block between the markers")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL source)
  message(FATAL_ERROR "README.md's example differs from ${SOURCE}: copy the file into it")
endif()
