#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel package test: builds evsel the way a consumer gets it, then builds and runs a small
# program against it three ways: find_package on the installed package, pkg-config on the
# installed evsel.pc, and add_subdirectory on the source tree.
#   tests/package/package_test.sh linux|mingw static|shared WORK_DIR [TOOLCHAIN_FILE]
# mingw cross-builds with MinGW-w64 and runs the programs under Wine (the caller sets up
# WINEPREFIX and a running wineserver, as run.sh does); TOOLCHAIN_FILE is the CMake toolchain
# file for it (cmake/toolchains/mingw-w64-x86_64.cmake unless given; clang's is
# cmake/toolchains/clang-mingw-w64-x86_64.cmake).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
[ $# -eq 3 ] || [ $# -eq 4 ] ||
  { echo "usage: $0 linux|mingw static|shared WORK_DIR [TOOLCHAIN_FILE]" >&2; exit 2; }
platform=$1 linkage=$2 work=$3
toolchain=${4:-$top/cmake/toolchains/mingw-w64-x86_64.cmake}
jobs=$(nproc 2>/dev/null || echo 2)

die() { printf 'package test (%s, %s): %s\n' "$platform" "$linkage" "$*" >&2; exit 1; }

case $linkage in
  static) shared=OFF ;;
  shared) shared=ON ;;
  *) die "linkage must be static or shared, not '$linkage'" ;;
esac
cmake_args=(-DCMAKE_BUILD_TYPE=Release "-DBUILD_SHARED_LIBS=$shared")
case $platform in
  linux)
    cxx=(g++)
    exe=""
    ;;
  mingw)
    cmake_args+=(-DCMAKE_TOOLCHAIN_FILE="$toolchain")
    cxx=()  # the toolchain file's compiler, once evsel is configured (below)
    exe=".exe"
    ;;
  *) die "platform must be linux or mingw, not '$platform'" ;;
esac

rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
log="$work/log.txt"
quietly() { "$@" >>"$log" 2>&1 || { tail -n 40 "$log" >&2; die "failed: $*"; }; }

# Runs one consumer and checks what it printed. A shared evsel on Windows is found the
# Windows way, next to the program, with the compiler's runtime DLLs beside it.
run_consumer() {  # <label> <program> <directory holding the evsel DLL or .so>
  local label=$1 program=$2 library_dir=$3 output status=0
  if [ "$platform" = mingw ]; then
    if [ "$shared" = ON ]; then
      cp "$library_dir"/libevsel*.dll "$(dirname "$program")/"
      for runtime in libstdc++-6.dll libgcc_s_seh-1.dll libwinpthread-1.dll; do
        cp "$("${cxx[@]}" -print-file-name="$runtime")" "$(dirname "$program")/"
      done
    fi
    output=$(timeout 60 wine "$program" 2>&1 | tr -d '\r') || status=$?
  else
    output=$(LD_LIBRARY_PATH="$library_dir" timeout 60 "$program" 2>&1) || status=$?
  fi
  if [ $status -ne 0 ] || ! grep -q "accept and connect reported" <<<"$output"; then
    die "$label: the program failed (status $status): $output"
  fi
  printf '  %-17s %s\n' "$label:" "$output"
}

# 1. evsel installed into a prefix, as a package manager or a user would.
quietly cmake -S "$top" -B "$work/evsel" "${cmake_args[@]}" -DEVSEL_BUILD_TESTS=OFF \
  -DEVSEL_BUILD_EXAMPLES=OFF -DCMAKE_INSTALL_PREFIX="$prefix"
if [ "$platform" = mingw ]; then
  # The compiler the toolchain file chose, with the flags it sets (clang's: the GCC
  # installation, lld); its -static is left to the linkage, as below.
  cached() { sed -n "s/^$1:[A-Z]*=//p" "$work/evsel/CMakeCache.txt"; }
  linker_flags=$(cached CMAKE_EXE_LINKER_FLAGS)
  read -r -a cxx <<<"$(cached CMAKE_CXX_COMPILER) $(cached CMAKE_CXX_FLAGS) ${linker_flags#-static}"
  # clang is told the target (CMAKE_CXX_COMPILER_TARGET, which the cache does not keep).
  [[ $(basename "${cxx[0]}") != clang* ]] || cxx+=(--target=x86_64-w64-mingw32)
fi
quietly cmake --build "$work/evsel" -j "$jobs"
quietly cmake --install "$work/evsel"
# The installed package names neither the build tree nor Boost (an implementation detail).
# Whole paths only: a source tree at /evsel (as in the trixie root) is not "lib/cmake/evsel".
whole_path() { printf '(^|[^[:alnum:]_./-])%s(/|[^[:alnum:]_.-]|$)' "$1"; }
if grep -rIlE -e "$(whole_path "$top")" -e "$(whole_path "$work/evsel")" -e "[Bb]oost" \
  "$prefix/include" "$prefix/lib/cmake" "$prefix/lib/pkgconfig"; then
  die "the installed package refers to the build tree or to Boost (files above)"
fi
if [ "$platform" = linux ] && [ "$shared" = ON ]; then
  # Only the public API leaves the shared library.
  leaked=$(nm -DC --defined-only "$prefix"/lib/libevsel.so |
    grep -v -E ' (evsel::|typeinfo for evsel::|typeinfo name for evsel::|vtable for evsel::)' || true)
  [ -z "$leaked" ] || die "the shared library exports more than evsel's API: $leaked"
  readelf -d "$prefix"/lib/libevsel.so | grep -q "SONAME.*libevsel.so.0.1" ||
    die "the shared library has no SONAME libevsel.so.0.1"
  # The Winsock layer exports its functions under evsel_wsa_ names, never libc's.
  leaked=$(nm -D --defined-only "$prefix"/lib/libevsel-wsa.so | awk '{print $3}' |
    grep -v -E '^(evsel_wsa_[a-zA-Z_0-9]+|EVSEL_WSA_[0-9_.]+)$' || true)
  [ -z "$leaked" ] || die "libevsel-wsa.so exports more than its evsel_wsa_ functions: $leaked"
fi
if [ "$platform" = mingw ] && [ "$shared" = ON ]; then
  # A DLL exports what is marked for export: evsel's API (namespace evsel, mangled 5evsel).
  # The table's entries, the indented lines that start with "[" (binutils 2.44 puts a column
  # header before them).
  exported=$(x86_64-w64-mingw32-objdump -p "$prefix/bin/libevsel.dll" |
    sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/{/^[[:space:]]\+\[/p}')
  [ -n "$exported" ] || die "libevsel.dll exports nothing"
  leaked=$(grep -v "5evsel" <<<"$exported" || true)
  [ -z "$leaked" ] || die "libevsel.dll exports more than evsel's API: $leaked"
fi
library_dir="$prefix/lib"
[ "$platform" = mingw ] && library_dir="$prefix/bin"

# 2. find_package.
package_args=(-DCMAKE_PREFIX_PATH="$prefix")
# The cross toolchain confines package searches to the MinGW sysroot: name the package.
[ "$platform" = mingw ] && package_args+=(-Devsel_DIR="$prefix/lib/cmake/evsel")
quietly cmake -S "$here/find_package" -B "$work/find_package" "${cmake_args[@]}" "${package_args[@]}"
quietly cmake --build "$work/find_package"
run_consumer find_package "$work/find_package/evsel-package-consumer$exe" "$library_dir"
[ "$platform" = mingw ] ||
  run_consumer "find_package wsa" "$work/find_package/evsel-wsa-package-consumer" "$library_dir"

# 3. pkg-config, with nothing but the compiler and the flags evsel.pc gives.
flags=$(PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" pkg-config --cflags --libs evsel) ||
  die "pkg-config does not know evsel"
link_args=()
# Like the CMake toolchain: a static C++ runtime, so the program starts under Wine as is.
[ "$platform" = mingw ] && [ "$shared" = OFF ] && link_args+=(-static)
mkdir -p "$work/pkg-config"
# shellcheck disable=SC2086  # the flags are words on purpose
quietly "${cxx[@]}" -std=c++17 -O2 "$here/consumer.cpp" -o "$work/pkg-config/evsel-package-consumer$exe" \
  $flags "${link_args[@]}"
run_consumer pkg-config "$work/pkg-config/evsel-package-consumer$exe" "$library_dir"
if [ "$platform" = linux ]; then
  # The layer from C: compiled by the C compiler, linked by the C++ driver (evsel is C++).
  flags=$(PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" pkg-config --cflags --libs evsel-wsa) ||
    die "pkg-config does not know evsel-wsa"
  # shellcheck disable=SC2086  # the flags are words on purpose
  quietly gcc -std=c11 -O2 -c "$here/wsa_consumer.c" -o "$work/pkg-config/wsa_consumer.o" \
    $(PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" pkg-config --cflags evsel-wsa)
  # shellcheck disable=SC2086
  quietly g++ "$work/pkg-config/wsa_consumer.o" -o "$work/pkg-config/evsel-wsa-package-consumer" $flags
  run_consumer "pkg-config wsa" "$work/pkg-config/evsel-wsa-package-consumer" "$library_dir"
fi

# 4. add_subdirectory on the source tree.
quietly cmake -S "$here/subdirectory" -B "$work/subdirectory" "${cmake_args[@]}" \
  -DEVSEL_SOURCE_DIR="$top"
quietly cmake --build "$work/subdirectory" -j "$jobs"
run_consumer add_subdirectory "$work/subdirectory/evsel-package-consumer$exe" \
  "$work/subdirectory/evsel"
[ "$platform" = mingw ] ||
  run_consumer "add_subdirectory wsa" "$work/subdirectory/evsel-wsa-package-consumer" \
    "$work/subdirectory/evsel:$work/subdirectory/evsel/src/wsa"
