#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel: checks that each scenario id used in the tree (C01, G1, W1, ...) is in docs/scenarios.md.
#   scripts/check_ids.sh [TREE]   TREE: the source tree to check (default: this repository)
# Prints one summary line, or lists each undefined id with its file:line and fails.
set -euo pipefail

top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
name=$(basename "$0")
fail() { printf '%s: %s\n' "$name" "$*" >&2; exit 1; }

[ -d "$top" ] || fail "no such directory: $top"
cd "$top"
table=docs/scenarios.md
[ -f "$table" ] || fail "$table is missing: every scenario id used in the tree needs a row there"

# Where ids are used. docs/scenarios.md defines them; the fuzzers' seed corpus is data.
dirs=()
for dir in src tests examples bench include docs; do
  [ -d "$dir" ] && dirs+=("$dir")
done
[ ${#dirs[@]} -gt 0 ] || fail "$top has none of src, tests, examples, bench, include, docs"
skip_paths='^(docs/scenarios\.md|tests/fuzz/corpus/)'

# An id: C and exactly two digits (the scenarios), G, T or W and one or two digits (the
# general rules, the timer and user-event rules, the Wine deviations); a whole word. One-digit
# C tokens are not ids (the chat sanitizer's C0 and C1 control characters), and neither is an
# MSVC warning level (/W4).
export LC_ALL=C
hits=$(grep -rnIE --exclude='*.png' '(^|[^A-Za-z0-9_])(C[0-9]{2}|[GTW][0-9]{1,2})([^A-Za-z0-9_]|$)' \
  "${dirs[@]}") || [ $? -eq 1 ] || fail "grep failed in $top"
hits=$(printf '%s\n' "$hits" | grep -vE "$skip_paths" || true)
# file:line:id, one line per use.
uses=$(printf '%s\n' "$hits" | awk '
  $0 == "" { next }
  {
    file = $0; sub(/:.*/, "", file)
    rest = substr($0, length(file) + 2)
    line = rest; sub(/:.*/, "", line)
    text = substr(rest, length(line) + 2)
    gsub(/(^|[ \t"'\''(])\/W[0-4]([^A-Za-z0-9_]|$)/, " ", text)  # MSVC warning levels
    while (match(text, /(^|[^A-Za-z0-9_])(C[0-9][0-9]|[GTW][0-9][0-9]?)([^A-Za-z0-9_]|$)/)) {
      id = substr(text, RSTART, RLENGTH)
      sub(/^[^A-Za-z0-9_]/, "", id)
      sub(/[^A-Za-z0-9_]$/, "", id)
      print file ":" line ":" id
      text = substr(text, RSTART + RLENGTH)
    }
  }')

# The ids with a row: the first cell of a table row.
defined=$(sed -nE 's/^\| *(C[0-9]{2}|[GTW][0-9]{1,2}) *\|.*/\1/p' "$table" | sort)
duplicates=$(printf '%s\n' "$defined" | uniq -d | paste -sd' ' -)
[ -z "$duplicates" ] || fail "$table has more than one row for: $duplicates"

undefined=$(printf '%s\n' "$uses" | awk -F: -v defined="${defined//$'\n'/ }" '
  BEGIN { n = split(defined, d, " "); for (i = 1; i <= n; ++i) known[d[i]] = 1 }
  $0 != "" && !($3 in known) { printf "  %-4s %s:%s\n", $3, $1, $2 }' | sort -k1,1 -k2,2V)
if [ -n "$undefined" ]; then
  printf '%s: ids used but not defined in %s (add a row for each):\n%s\n' \
    "$name" "$table" "$undefined" >&2
  exit 1
fi

used=$(printf '%s\n' "$uses" | awk -F: 'NF { print $3 }' | sort -u | wc -l)
files=$(printf '%s\n' "$uses" | awk -F: 'NF { print $1 }' | sort -u | wc -l)
rows=$(printf '%s\n' "$defined" | grep -c . || true)
printf 'scenario ids: %s used in %s files, all defined in %s (%s rows)\n' \
  "$used" "$files" "$table" "$rows"
