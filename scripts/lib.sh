# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034  # the package lists are used by the scripts that source this
# evsel: shell functions shared by run.sh and bench/run.sh (sourced, not run).

say() { printf '\n== %s\n' "$*"; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

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
