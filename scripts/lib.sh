# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034,SC2154  # package lists used by the sourcing scripts; they set top, jobs, test_jobs and summary
# evsel: shell functions shared by run.sh and bench/run.sh (sourced, not run).

say() { printf '\n== %s\n' "$*"; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# wait_for <seconds> <command...>: true once the command succeeds, polling every 50 ms (the
# bounded waits of the end-to-end scripts, tests/chat/chat_e2e.sh and examples/wsa).
wait_for() {
  local seconds=$1 tries
  shift
  for ((tries = seconds * 20; tries > 0; tries--)); do
    "$@" && return 0
    sleep 0.05
  done
  return 1
}

# Installs the Debian packages that are missing (apt-get as root, or through sudo).
need_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
      missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing packages: ${missing[*]} (and no apt-get)"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing packages: ${missing[*]}; install them as root"
    sudo=(sudo)
  fi
  say "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    "${missing[@]}" >/dev/null
}

linux_packages=(cmake make g++ libboost-dev catch2)
windows_packages=(g++-mingw-w64-x86-64-posix wine wine64)

# Wine: one private prefix under the build directory, and a persistent wineserver started
# outside ctest (started inside, it keeps ctest's pipes open and ctest hangs).
wine_env() {  # <build dir>
  export WINEPREFIX="$1/wine-prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  export WINEARCH=win64
}
wine_start() {  # <build dir>
  wine_env "$1"
  mkdir -p "$WINEPREFIX"
  wineserver -p 2>/dev/null || true  # fails only when a server for this prefix already runs
  wine wineboot >/dev/null 2>&1 || die "wineboot failed (WINEPREFIX=$WINEPREFIX)"
}
wine_stop() { wineserver -k 2>/dev/null || true; }

# configure_and_build <dir> [cmake args...]: a Debug build with warnings as errors, of the
# sources in $top, with $jobs compilers.
configure_and_build() {
  local dir=$1
  shift
  cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DEVSEL_WARNINGS_AS_ERRORS=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

# run_suites <dir> <name> [ctest args...]: every suite of one build, then one line for it in
# $summary: the cases per suite, the expected failures of its Wine version, what was skipped
# and what passed only when run again. An empty suite fails the run, as a failing case does.
run_suites() {
  local dir=$1 name=$2 status=0
  shift 2
  ctest --test-dir "$dir" -j "$test_jobs" --no-tests=error --output-on-failure \
    --timeout 120 "$@" >"$dir/ctest.log" 2>&1 || status=$?
  grep -E "tests passed|The following tests FAILED|\*\*\*Failed|\*\*\*Timeout" "$dir/ctest.log" || true
  if [ $status -ne 0 ]; then
    sed -n '/The following tests FAILED/,$p' "$dir/ctest.log"
    tail -n 200 "$dir/ctest.log" >&2
    return $status
  fi
  local counts="" all=0
  for suite in conformance unit chat_unit chat chat-stress stress wsa; do
    local total
    total=$(ctest --test-dir "$dir" -N -L "^$suite(-wine-deviation|-layer-difference)?\$" |
      sed -n 's/^Total Tests: //p')
    # An empty discovery (an exe that did not start) must fail, not pass quietly.
    [ "${total:-0}" -gt 0 ] || die "$name: no $suite tests were registered"
    counts="$counts${counts:+, }$suite $total"
    all=$((all + total))
  done
  ctest --test-dir "$dir" -N | sed -n 's/^ *Test *#[0-9]*: \(asio\|win\)\///p' | sort \
    >"$dir/test-names.txt"
  local line="$name: $all cases, none failed ($counts)"
  local expected ids
  expected=$(ctest --test-dir "$dir" -N -L "wine-deviation\$" | sed -n 's/^Total Tests: //p')
  if [ "${expected:-0}" != 0 ]; then
    ids=$(sed -n 's/^EVSEL_WINE_EXPECTED_IDS:INTERNAL=//p' "$dir/CMakeCache.txt" | tr ';' ' ')
    line="$line, $expected of them expected failures (this Wine's deviations: $ids)"
  fi
  # A case that failed and then passed on its second run (--repeat until-pass:2).
  local retried
  retried=$(grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .*\*\*\*(Failed|Timeout)' "$dir/ctest.log" |
    sed 's/^.*Test *#[0-9]*: \(.*\) \.\.\.*\**\(Failed\|Timeout\).*/\1/' | paste -sd'|' | sed 's/|/; /g' ||
    true)
  [ -z "$retried" ] || line="$line; passed on the second attempt: $retried"
  # evsel-wsa's documented differences from Windows (docs/wsa.md), expected to fail there.
  local differences
  differences=$(ctest --test-dir "$dir" -N -L "layer-difference\$" | sed -n 's/^Total Tests: //p')
  [ "${differences:-0}" = 0 ] ||
    line="$line; evsel-wsa's documented differences from Windows, expected to fail: $differences"
  # A test that cannot run on this platform says why and is skipped: named, never hidden.
  local skipped
  skipped=$(sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \(.*\) \.\.*\**Skipped.*/\1/p' "$dir/ctest.log" |
    paste -sd'|' | sed 's/|/; /g')
  [ -z "$skipped" ] || line="$line; skipped here (the test says why in $dir/ctest.log): $skipped"
  printf '%s\n' "$line" | tee -a "$summary"
}

# stage <title>: starts a stage of the run; the time of the one before goes to $summary.
stage_title="" stage_start=0
stage() {
  stage_end
  stage_title=$1
  stage_start=$(date +%s)
  say "$1"
}
stage_end() {
  [ -n "$stage_title" ] || return 0
  printf 'time: %4d s  %s\n' $(($(date +%s) - stage_start)) "$stage_title" >>"$summary.times"
  stage_title=""
}

# build_label <dir> <what>: "<what>, <compiler> <version>, Catch2 <version>" of a build.
build_label() {
  local dir=$1 what=$2 id version catch2
  id=$(sed -n 's/^set(CMAKE_CXX_COMPILER_ID "\(.*\)")/\1/p' "$dir"/CMakeFiles/*/CMakeCXXCompiler.cmake | head -n 1)
  version=$(sed -n 's/^set(CMAKE_CXX_COMPILER_VERSION "\(.*\)")/\1/p' "$dir"/CMakeFiles/*/CMakeCXXCompiler.cmake | head -n 1)
  catch2=$(sed -n 's/^EVSEL_CATCH2_VERSION:INTERNAL=//p' "$dir/CMakeCache.txt")
  printf '%s, %s %s%s' "$what" "$id" "$version" "${catch2:+, Catch2 $catch2}"
}
