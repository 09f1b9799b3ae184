#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel: the legs of the trixie stage, run inside the root that scripts/matrix.sh makes, with
# the sources read-only at /evsel:
#   bash /evsel/scripts/matrix-legs.sh BUILD_DIR
# The Linux suites with gcc 14 and clang 19 (plain and under ASan+UBSan; Boost 1.83,
# Catch2 3), the native backend built by MinGW-w64 gcc 14 and by clang 19 for the MinGW
# target, both run under Wine 10, and the package consumers with trixie's CMake.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: matrix-legs.sh BUILD_DIR}
jobs=$(nproc 2>/dev/null || echo 2)
test_jobs="${EVSEL_TEST_JOBS:-8}"
summary="$build/summary.txt"
mkdir -p "$build"
: >"$summary"
: >"$summary.times"

# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"

sanitizers="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
catch2_v2=(-DEVSEL_CATCH2_HEADER=/opt/catch2-v2/catch.hpp -DCMAKE_MODULE_PATH=/opt/catch2-v2)
export ASAN_OPTIONS=detect_stack_use_after_return=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1

for compiler in g++ clang++; do
  stage "trixie: Linux, Boost.Asio backend, $compiler"
  configure_and_build "$build/linux-$compiler" -DCMAKE_CXX_COMPILER=$compiler
  run_suites "$build/linux-$compiler" "$(build_label "$build/linux-$compiler" "trixie linux/asio")"

  stage "trixie: Linux, Boost.Asio backend, $compiler, under ASan and UBSan"
  configure_and_build "$build/asan-$compiler" -DCMAKE_CXX_COMPILER=$compiler \
    -DCMAKE_CXX_FLAGS="$sanitizers"
  run_suites "$build/asan-$compiler" "$(build_label "$build/asan-$compiler" "trixie linux/asio+asan+ubsan")"
done

wine_start "$build"
trap wine_stop EXIT
for toolchain in mingw-w64-x86_64 clang-mingw-w64-x86_64; do
  stage "trixie: Windows, native backend, $toolchain, under Wine"
  configure_and_build "$build/$toolchain" "${catch2_v2[@]}" \
    -DCMAKE_TOOLCHAIN_FILE="$top/cmake/toolchains/$toolchain.cmake"
  # A failed case runs once more under Wine, as on the host (run.sh says why); every retry
  # is named in the summary.
  run_suites "$build/$toolchain" \
    "$(build_label "$build/$toolchain" "trixie windows/win") under $(wine --version)" \
    --repeat until-pass:2
done

stage "trixie: packaging with CMake $(cmake --version | sed -n 's/^cmake version //p')"
packages=0
for linkage in static shared; do
  printf 'linux, %s library:\n' "$linkage"
  "$top/tests/package/package_test.sh" linux "$linkage" "$build/package/linux-$linkage"
  for toolchain in mingw-w64-x86_64 clang-mingw-w64-x86_64; do
    printf '%s, %s library:\n' "$toolchain" "$linkage"
    "$top/tests/package/package_test.sh" mingw "$linkage" "$build/package/$toolchain-$linkage" \
      "$top/cmake/toolchains/$toolchain.cmake"
  done
  packages=$((packages + 9))
done
printf 'trixie package: %s consumer programs built and run (Linux; MinGW gcc and clang under %s; static and shared)\n' \
  "$packages" "$(wine --version)" | tee -a "$summary"
wine_stop
trap - EXIT
stage_end
