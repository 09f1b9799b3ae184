# SPDX-License-Identifier: MIT
# evsel: cross-build for 64-bit Windows with clang and lld; tests run under Wine. The headers,
# the runtime and libstdc++ are those of Debian's MinGW-w64 GCC: clang brings no C++ library
# of its own for this target.
# Needs: clang and lld (Debian trixie: clang-19 and lld-19; the unversioned names are used when
# the versioned ones are missing), g++-mingw-w64-x86-64-posix (the MinGW-w64 headers and
# runtime, and the posix-thread GCC whose libstdc++ is linked), wine for the tests. Built and
# tested with clang 19 and GCC 14 (trixie); bookworm's clang 14 with GCC 12's libstdc++ does not
# link (std::type_info::operator== defined twice, by the objects and by libstdc++.a).
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-common.cmake)
find_program(CMAKE_C_COMPILER NAMES clang-19 clang REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES clang++-19 clang++ REQUIRED)
set(CMAKE_C_COMPILER_TARGET ${_evsel_triple})
set(CMAKE_CXX_COMPILER_TARGET ${_evsel_triple})
# The archiver: LLVM's where installed, else MinGW-w64's binutils (which come with the GCC
# below). CMake would take the host's ar, which need not know COFF objects.
find_program(CMAKE_AR NAMES llvm-ar-19 llvm-ar ${_evsel_triple}-ar REQUIRED)
find_program(CMAKE_RANLIB NAMES llvm-ranlib-19 llvm-ranlib ${_evsel_triple}-ranlib REQUIRED)
# No resource compiler: evsel builds no .rc files.

# libstdc++ must be the posix-thread GCC's: the win32 thread model has no std::thread or
# std::mutex. Clang picks a GCC installation by itself, the highest version and then the
# suffix last in alphabetical order: 14-win32 over 14-posix when both are installed (Debian's
# g++-mingw-w64-x86-64 installs both), and it takes no --gcc-install-dir for MinGW targets.
# So the posix GCC names its directory, and the C++ headers (-stdlib++-isystem replaces
# clang's own choice), the libraries (-L comes before clang's directories) and crtbegin.o and
# crtend.o (-B) come from there.
find_program(EVSEL_MINGW_GXX_POSIX NAMES ${_evsel_triple}-g++-posix REQUIRED)
execute_process(COMMAND ${EVSEL_MINGW_GXX_POSIX} -print-libgcc-file-name
                OUTPUT_VARIABLE _evsel_libgcc OUTPUT_STRIP_TRAILING_WHITESPACE
                COMMAND_ERROR_IS_FATAL ANY)
get_filename_component(_evsel_gcc_dir "${_evsel_libgcc}" DIRECTORY)
set(_evsel_cxx_headers ${_evsel_gcc_dir}/include/c++)
# GCC's libstdc++ keeps its thread_local variables (std::call_once's, for one) in emulated
# TLS, where clang would use native TLS for this target: std::call_once would not link.
set(CMAKE_C_FLAGS_INIT "-femulated-tls")
string(JOIN " " CMAKE_CXX_FLAGS_INIT -femulated-tls
       -stdlib++-isystem ${_evsel_cxx_headers}
       -stdlib++-isystem ${_evsel_cxx_headers}/${_evsel_triple}
       -stdlib++-isystem ${_evsel_cxx_headers}/backward)
# -pthread links winpthreads, which the posix libstdc++ is built on (GCC links it always).
set(_evsel_link_flags "-fuse-ld=lld -pthread -B${_evsel_gcc_dir}/ -L${_evsel_gcc_dir}")
string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT " ${_evsel_link_flags}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${_evsel_link_flags}")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "${_evsel_link_flags}")
