#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel benchmarks: Release builds of both backends, the Asio one natively and the native
# one under Wine, each measured against itself within the same run (ratios).
#   bench/run.sh [evsel-idle-bench options, e.g. --trips 20000 --repetitions 7]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build="${EVSEL_BUILD_DIR:-$top/build}"
jobs=$(nproc 2>/dev/null || echo 2)

release() {  # <dir> [cmake args...]
  local dir=$1
  shift
  cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DEVSEL_BUILD_TESTS=OFF "$@" >/dev/null
  cmake --build "$dir" -j "$jobs" --target evsel-idle-bench >/dev/null
}

echo "== Linux, Asio backend"
release "$build/bench-linux"
"$build/bench-linux/bench/evsel-idle-bench" "$@"

echo
echo "== Windows, native backend, under Wine (no target: Wine's wait threads are not Windows')"
release "$build/bench-mingw" -DCMAKE_TOOLCHAIN_FILE="$top/cmake/toolchains/mingw-w64-x86_64.cmake"
export WINEPREFIX="$build/wine-prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
mkdir -p "$WINEPREFIX"
wineserver -p 2>/dev/null || true
wine wineboot >/dev/null 2>&1
wine "$build/bench-mingw/bench/evsel-idle-bench.exe" "$@" | tr -d '\r'
wineserver -k 2>/dev/null || true
