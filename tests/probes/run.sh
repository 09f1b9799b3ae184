#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel: builds tests/probes/wine_probe.cpp with MinGW-w64 and runs it under this machine's
# Wine, and under the Wine of a Debian root when one is given (build/trixie, as
# `./run.sh matrix` leaves it, run as root):
#   tests/probes/run.sh [ROOT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${TMPDIR:-/tmp}/evsel-wine-probe
mkdir -p "$out"
x86_64-w64-mingw32-g++-posix -std=c++17 -O1 -static -Wall -Wextra -Werror \
  "$here/wine_probe.cpp" -o "$out/wine_probe.exe" -lws2_32
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
WINEPREFIX="$out/prefix" timeout 120 wine "$out/wine_probe.exe" 2>/dev/null | tr -d '\r'
if [ $# -ge 1 ]; then
  root=$1
  cp "$out/wine_probe.exe" "$root/tmp/"
  mounted=0
  mountpoint -q "$root/proc" || { mount -t proc proc "$root/proc" && mounted=1; }
  chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root WINEDEBUG=-all WINEARCH=win64 \
    WINEDLLOVERRIDES="mscoree,mshtml=" WINEPREFIX=/tmp/evsel-wine-probe-prefix \
    timeout 120 wine /tmp/wine_probe.exe 2>/dev/null | tr -d '\r'
  [ $mounted -eq 0 ] || umount "$root/proc"
fi
