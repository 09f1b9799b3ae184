# SPDX-License-Identifier: MIT
# evsel: install rules: headers, the libraries, the CMake package (evsel::evsel, evsel::wsa)
# and evsel.pc (evsel-wsa.pc).
include(CMakePackageConfigHelpers)

set(EVSEL_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/evsel"
    CACHE STRING "Where evsel-config.cmake goes, relative to the prefix")
set(EVSEL_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    CACHE STRING "Where evsel.pc goes, relative to the prefix")

install(TARGETS evsel EXPORT evsel-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT development
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/evsel DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_BINARY_DIR}/export/evsel/export.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/evsel)

# evsel-wsa (POSIX): its headers keep a directory of their own, since <winsock2.h> must
# never be found by a program that did not ask for the layer.
if(TARGET evsel-wsa)
  install(TARGETS evsel-wsa EXPORT evsel-targets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT development
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(DIRECTORY include/evsel-wsa DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  set(EVSEL_INSTALLED_WSA ON)
else()
  set(EVSEL_INSTALLED_WSA OFF)
endif()

install(EXPORT evsel-targets NAMESPACE evsel:: DESTINATION ${EVSEL_INSTALL_CMAKEDIR})
# What the config file needs to know about this build: a static library built on the Asio
# backend needs the thread library at link time (Boost is headers only and stays private).
if(BUILD_SHARED_LIBS)
  set(EVSEL_INSTALLED_SHARED ON)
else()
  set(EVSEL_INSTALLED_SHARED OFF)
endif()
configure_package_config_file(cmake/evsel-config.cmake.in
  ${PROJECT_BINARY_DIR}/package/evsel-config.cmake
  INSTALL_DESTINATION ${EVSEL_INSTALL_CMAKEDIR})
# 0.x: a new minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/evsel-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/package/evsel-config.cmake
  ${PROJECT_BINARY_DIR}/package/evsel-config-version.cmake
  DESTINATION ${EVSEL_INSTALL_CMAKEDIR})

# pkg-config: relocatable (the prefix is found from the file's own place), and complete for
# the library as built: a static one lists what it needs in Libs, since that is the only
# way it can be linked.
file(RELATIVE_PATH _evsel_pc_to_prefix "/prefix/${EVSEL_INSTALL_PKGCONFIGDIR}" "/prefix")
string(REGEX REPLACE "/$" "" _evsel_pc_to_prefix "${_evsel_pc_to_prefix}")
foreach(_evsel_dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_evsel_dir}}")
    set(EVSEL_PC_${_evsel_dir} "${CMAKE_INSTALL_${_evsel_dir}}")
  else()
    set(EVSEL_PC_${_evsel_dir} "\${prefix}/${CMAKE_INSTALL_${_evsel_dir}}")
  endif()
endforeach()
set(EVSEL_PC_CFLAGS "")
set(EVSEL_PC_LIBS "")
if(NOT BUILD_SHARED_LIBS)
  set(EVSEL_PC_CFLAGS " -DEVSEL_STATIC_DEFINE")
  if(EVSEL_BACKEND STREQUAL "win")
    set(EVSEL_PC_LIBS " -lws2_32")
  else()
    set(EVSEL_PC_LIBS " -pthread")
  endif()
endif()
configure_file(cmake/evsel.pc.in ${PROJECT_BINARY_DIR}/package/evsel.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/package/evsel.pc DESTINATION ${EVSEL_INSTALL_PKGCONFIGDIR})
if(EVSEL_INSTALLED_WSA)
  configure_file(cmake/evsel-wsa.pc.in ${PROJECT_BINARY_DIR}/package/evsel-wsa.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/package/evsel-wsa.pc DESTINATION ${EVSEL_INSTALL_PKGCONFIGDIR})
endif()
