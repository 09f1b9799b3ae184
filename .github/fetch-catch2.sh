#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel CI: fetches Catch2 v2.13.10's single header and its CMake test discovery into DIR,
# for runners whose packages have no Catch2 v2 (Debian's catch2 package is used elsewhere).
#   .github/fetch-catch2.sh DIR
set -euo pipefail
dir=${1:?usage: fetch-catch2.sh DIR}
base=${CATCH2_BASE:-https://raw.githubusercontent.com/catchorg/Catch2/v2.13.10}
mkdir -p "$dir"
curl -fsSL "$base/single_include/catch2/catch.hpp" -o "$dir/catch.hpp"
for module in Catch.cmake CatchAddTests.cmake; do
  curl -fsSL "$base/contrib/$module" -o "$dir/$module"
done
