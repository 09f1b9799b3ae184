# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2154  # the sourcing script sets top, test_jobs and summary
# evsel: the second toolchain generation (sourced by run.sh, not run). A Debian trixie root
# made with debootstrap and cached under the build directory, in which
# scripts/matrix-legs.sh builds and runs the suites with gcc 14, clang 19, Boost 1.83,
# Catch2 3, MinGW-w64 with gcc 14 and clang 19, and Wine 10.

trixie_packages=(cmake make g++ clang lld libclang-rt-dev libboost-dev catch2
  g++-mingw-w64-x86-64-posix wine wine64 pkgconf python3 socat netcat-openbsd iproute2
  nftables)

# The mirror the host's own apt uses, so that the root comes from the same archive.
debian_mirror() {
  local uri
  uri=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null |
    grep -v security | head -n 1)
  [ -n "$uri" ] || uri=$(sed -n 's/^deb \(http[^ ]*\) .*/\1/p' /etc/apt/sources.list 2>/dev/null |
    grep -v security | head -n 1)
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# trixie_root <dir>: makes the root once, and installs what the legs need whenever that list
# changes (recorded in the root).
trixie_root() {
  local root=$1 stamp=$1/.evsel-packages
  [ "$(id -u)" -eq 0 ] || die "the trixie stage needs root (debootstrap, chroot and mounts)"
  if [ ! -x "$root/usr/bin/apt-get" ]; then
    need_packages debootstrap
    trixie_unmount "$root"  # what an interrupted run left mounted is not deleted with it
    rm -rf "$root"
    debootstrap --variant=minbase trixie "$root" "$(debian_mirror)" >"$root.debootstrap.log" 2>&1 || {
      tail -n 40 "$root.debootstrap.log" >&2
      die "debootstrap of trixie into $root failed"
    }
  fi
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  if [ "$(cat "$stamp" 2>/dev/null)" != "${trixie_packages[*]}" ]; then
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
      sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends ${trixie_packages[*]}" \
      >"$root.apt.log" 2>&1 || {
      tail -n 40 "$root.apt.log" >&2
      die "installing the trixie packages failed"
    }
    printf '%s' "${trixie_packages[*]}" >"$stamp"
  fi
}

# The sources go in read-only, so that nothing inside can change them and a careless
# `rm -rf` of the build directory cannot reach them through the root.
trixie_mount() {
  local root=$1
  mkdir -p "$root/evsel" "$root/dev/shm"
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  mountpoint -q "$root/dev/shm" || mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
  if ! mountpoint -q "$root/evsel"; then
    mount --bind "$top" "$root/evsel"
    mount -o remount,bind,ro "$root/evsel"
  fi
}

trixie_unmount() {
  local root=$1
  # A wineserver left running inside keeps the mounts busy.
  chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin sh -c 'pkill -x wineserver; pkill -x wineserver64' \
    2>/dev/null || true
  for mount_point in evsel dev/shm proc; do
    mountpoint -q "$root/$mount_point" && umount -l "$root/$mount_point"
  done
  return 0
}

# trixie_stage <root>: every leg inside the root; their lines join $summary.
trixie_stage() {
  local root=$1
  trixie_root "$root"
  # MinGW builds use Catch2 v2's single header (trixie's Catch2 3 is a Linux library): the
  # host's, with its CMake test discovery, as .github/fetch-catch2.sh lays them out.
  mkdir -p "$root/opt/catch2-v2"
  cp /usr/include/catch2/catch.hpp /usr/lib/cmake/Catch2/Catch.cmake \
    /usr/lib/cmake/Catch2/CatchAddTests.cmake "$root/opt/catch2-v2/"
  trixie_mount "$root"
  trap 'trixie_unmount "'"$root"'"' EXIT
  local status=0
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    EVSEL_TEST_JOBS="$test_jobs" bash /evsel/scripts/matrix-legs.sh /build || status=$?
  trixie_unmount "$root"
  trap - EXIT
  cat "$root/build/summary.txt" >>"$summary"
  cat "$root/build/summary.txt.times" >>"$summary.times" 2>/dev/null || true
  [ $status -eq 0 ] || die "the trixie stage failed (logs under $root/build)"
}
