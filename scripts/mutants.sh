#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel: a mutation check of the test suite. Each mutant of a mutant list deliberately breaks
# one rule of the model in the common code (src/*.cpp, src/*.hpp), the Asio backend
# (src/posix/) or the Winsock layer (src/wsa/); the check builds each one on Linux (Asio
# backend) and says whether the unit, conformance and WSA suites notice: caught (a test
# failed, crashed or timed out) or survived.
#
#   scripts/mutants.sh SOURCE_TREE MUTANT_LIST BUILD_DIR
#
#   SOURCE_TREE  the sources to mutate; copied (without build/ and .git/) to BUILD_DIR/tree,
#                never touched itself
#   MUTANT_LIST  the mutants (tests/mutants-before.txt is one, and says how it is written)
#   BUILD_DIR    scratch space: the copy, its build, the logs (logs/), results.tsv and
#                report.txt; made afresh on each run
#
# The unmutated copy is built and its suites run first: they must pass, or nothing else
# runs. Then, for each mutant: its edits are applied to the pristine file(s) (an edit whose
# text is not found exactly once makes the mutant "did not apply", never a silent skip),
# only evsel_unit, evsel_conformance and evsel_wsa are rebuilt, `evsel_unit`,
# `evsel_conformance "~[.]"` (the hidden [.] cases are slow stress) and `evsel_wsa` (the
# Winsock layer's list, without its documented [layer-difference] cases) run with a timeout each
# (a timeout counts as caught, and says so), the failing tests are noted and run once more
# on their own (a catch that does not happen again is marked doubtful), and the file is
# restored. At the end the unmutated copy is rebuilt and run once more: a mutant caught only
# by tests that failed on an unmutated run (a flaky test) is marked doubtful too. A mutant
# that does not compile is reported "did not build" and counted with those that did not
# apply. The last line: "mutants: N, caught K, survived S, did not apply D".
#
# Environment: MUTANTS_TIMEOUT (seconds per test program, 300), MUTANTS_JOBS (compilers, 2),
# MUTANTS_ONLY (a regular expression: only the mutants whose id matches).
#
# Needs cmake, a C++17 compiler, Boost (headers), Catch2, python3 (parses the list and the
# Catch2 XML reports), coreutils' timeout; ninja if present.
set -euo pipefail

die() { printf 'mutants.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '\n== %s\n' "$*"; }

[ $# -eq 3 ] || die "usage: scripts/mutants.sh SOURCE_TREE MUTANT_LIST BUILD_DIR"
[ -d "$1" ] || die "no source tree at $1"
[ -f "$2" ] || die "no mutant list at $2"
{ [ -f "$1/CMakeLists.txt" ] && [ -d "$1/src" ]; } || die "$1 is not an evsel source tree"
source_tree=$(cd "$1" && pwd)
mutant_list=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
mkdir -p "$3"
work=$(cd "$3" && pwd)
case "$work/" in
  "$source_tree"/build/* | "$source_tree"/.git/*) ;;
  "$source_tree"/*) die "BUILD_DIR must be outside SOURCE_TREE or under its build/" ;;
esac
for tool in cmake python3 timeout tar; do
  command -v "$tool" >/dev/null || die "$tool is needed"
done

timeout_s=${MUTANTS_TIMEOUT:-300}
jobs=${MUTANTS_JOBS:-2}
only=${MUTANTS_ONLY:-}
tree=$work/tree build=$work/build logs=$work/logs pristine=$work/pristine
results=$work/results.tsv report=$work/report.txt helper=$work/mutants_helper.py
started=$(date +%s)

# The helper: the mutant list's parser, the edits, and the reading of Catch2's XML reports.
cat >"$helper" <<'PYTHON'
"""evsel mutants.sh helper.

A mutant list is plain text, one block per mutant:

    # a comment line (outside a block's text)
    id: M01
    what: one line saying which rule the mutant breaks
    rule: optional, more lines of description
      (continuation lines start with blanks)
    file: src/poller_core.cpp
    replace:
    |exact text, one or more lines, each after a '|'
    with:
    |its replacement (no '|' lines: the text is deleted)

A mutant may hold several file/replace/with groups (a file: line applies to the groups after
it). Each replace text must occur exactly once in its file, or the mutant does not apply.
"""
import html
import re
import sys


def parse(path):
    mutants, cur, field, fname = [], None, None, None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, 1):
        where = f"{path}:{number}"
        if field in ("replace", "with") and line.startswith("|"):
            cur["edits"][-1][field].append(line[1:])
            continue
        if field in ("what", "rule") and line[:1] in (" ", "\t") and line.strip():
            cur[field] += " " + line.strip()
            continue
        field = None
        if not line.strip() or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            sys.exit(f"{where}: expected 'key: value', got {line!r}")
        key, value = key.strip(), value.strip()
        if key == "id":
            if not re.fullmatch(r"[A-Za-z0-9_.-]+", value):
                sys.exit(f"{where}: bad id {value!r}")
            if any(m["id"] == value for m in mutants):
                sys.exit(f"{where}: id {value} used twice")
            cur = {"id": value, "what": "", "rule": "", "edits": [], "line": number}
            mutants.append(cur)
            fname = None
            continue
        if cur is None:
            sys.exit(f"{where}: {key}: before the first id:")
        if key in ("what", "rule"):
            cur[key] = value
            field = key
        elif key == "file":
            fname = value
        elif key == "replace":
            if fname is None:
                sys.exit(f"{where}: replace: without a file:")
            if value:
                sys.exit(f"{where}: the text of replace: goes on '|' lines below it")
            cur["edits"].append({"file": fname, "replace": [], "with": None})
            field = "replace"
        elif key == "with":
            if not cur["edits"] or cur["edits"][-1]["with"] is not None:
                sys.exit(f"{where}: with: without its replace:")
            if value:
                sys.exit(f"{where}: the text of with: goes on '|' lines below it")
            cur["edits"][-1]["with"] = []
            field = "with"
        else:
            sys.exit(f"{where}: unknown key {key!r}")
    for m in mutants:
        if not m["what"]:
            sys.exit(f"{path}: mutant {m['id']} has no what:")
        if not m["edits"]:
            sys.exit(f"{path}: mutant {m['id']} has no replace:")
        for e in m["edits"]:
            if e["with"] is None:
                sys.exit(f"{path}: mutant {m['id']}: a replace: without its with:")
            if not e["replace"]:
                sys.exit(f"{path}: mutant {m['id']}: an empty replace: text")
    return mutants


def cmd_list(path):
    """id <TAB> files <TAB> what, one line per mutant."""
    for m in parse(path):
        files = sorted({e["file"] for e in m["edits"]})
        print(f"{m['id']}\t{' '.join(files)}\t{m['what']}")


def cmd_files(path):
    for f in sorted({e["file"] for m in parse(path) for e in m["edits"]}):
        print(f)


def cmd_describe(path, ident):
    for m in parse(path):
        if m["id"] == ident:
            print(m["what"] + (" -- " + m["rule"] if m["rule"] else ""))


def cmd_apply(path, ident, tree):
    """Applies one mutant's edits to the (pristine) tree; exit 3 with the reason if one of
    them does not match exactly once."""
    found = [m for m in parse(path) if m["id"] == ident]
    if not found:
        sys.exit(f"no mutant {ident}")
    texts = {}
    for n, e in enumerate(found[0]["edits"], 1):
        name = e["file"]
        if name not in texts:
            try:
                with open(f"{tree}/{name}", encoding="utf-8", newline="") as f:
                    texts[name] = f.read()
            except OSError as err:
                print(f"edit {n}: {name}: {err.strerror}")
                sys.exit(3)
        old, new = "\n".join(e["replace"]), "\n".join(e["with"])
        count = texts[name].count(old)
        if count != 1:
            first = e["replace"][0].strip()
            print(f"edit {n}: {name}: the text found {count} times, not once: {first!r}")
            sys.exit(3)
        texts[name] = texts[name].replace(old, new, 1)
    for name, text in texts.items():
        with open(f"{tree}/{name}", "w", encoding="utf-8", newline="") as f:
            f.write(text)


def cmd_failures(xml_path):
    """The test cases a Catch2 XML report (possibly cut short) says failed, in order. A case
    that Catch2 saw die of a signal (its handler closes the report: SIGTERM from timeout,
    SIGSEGV...) gets ' [signal: SIGxxx]'; a case left open (the program died without a
    word) comes last, with ' [unfinished]'."""
    try:
        with open(xml_path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return
    current, signal, failed = None, None, []
    for m in re.finditer(r'<TestCase name="([^"]*)"|<OverallResult success="(true|false)"'
                         r'|</TestCase>|<FatalErrorCondition[^>]*>\s*(SIG[A-Z0-9]+)', text):
        if m.group(1) is not None:
            current, signal = html.unescape(m.group(1)), None
        elif m.group(3) is not None:
            signal = m.group(3)
        elif m.group(2) is not None:
            if m.group(2) == "false" and current is not None:
                name = current + (f" [signal: {signal}]" if signal else "")
                if name not in failed:
                    failed.append(name)
        else:
            current = None
    for name in failed:
        print(name)
    if current is not None:
        print(current + " [unfinished]")


def cmd_spec(name):
    """A test case name as a Catch2 v2 test spec that matches it exactly."""
    spec = re.sub(r"([\\,\[\]])", r"\\\1", name)
    if spec[:1] in ("~", "*", '"'):
        spec = "\\" + spec
    print(spec)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"list": cmd_list, "files": cmd_files, "describe": cmd_describe, "apply": cmd_apply,
     "failures": cmd_failures, "spec": cmd_spec}[command](*args)
PYTHON

helper() { python3 "$helper" "$@"; }

# The list is read whole before anything is built: a malformed one stops here.
listing=$(helper list "$mutant_list") || die "$mutant_list: cannot be read (above)"
[ -n "$listing" ] || die "$mutant_list holds no mutants"
mapfile -t mutant_lines <<<"$listing"
mapfile -t mutated_files < <(helper files "$mutant_list")

say "copying $source_tree to $tree"
rm -rf "$tree" "$logs" "$pristine"
mkdir -p "$tree" "$logs" "$pristine"
tar -C "$source_tree" --exclude=./build --exclude=./.git -cf - . | tar -C "$tree" -xf -
for f in "${mutated_files[@]}"; do
  [ -f "$tree/$f" ] || die "the mutant list names $f, which $source_tree does not have"
  mkdir -p "$(dirname "$pristine/$f")"
  cp "$tree/$f" "$pristine/$f"
done

# Back to the pristine text, with a new time stamp: the build must see the file changed
# (copying the old time back would leave the mutant's object file looking up to date).
restore() {
  local f
  for f in "${mutated_files[@]}"; do
    if ! cmp -s "$pristine/$f" "$tree/$f"; then
      cp "$pristine/$f" "$tree/$f"
      touch "$tree/$f"
    fi
  done
}

# The Linux build of run.sh's configure_and_build (Debug, Asio backend, tests), without the
# examples, benchmarks and install rules, which the two suites do not need, and without
# warnings as errors: a mutant that only draws a warning is still a mutant.
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
say "configuring $build"
rm -rf "$build"
cmake -S "$tree" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug -DEVSEL_BUILD_TESTS=ON \
  -DEVSEL_BUILD_EXAMPLES=OFF -DEVSEL_BUILD_BENCHMARKS=OFF -DEVSEL_INSTALL=OFF \
  -DEVSEL_WARNINGS_AS_ERRORS=OFF >"$logs/configure.log" 2>&1 ||
  { tail -n 40 "$logs/configure.log" >&2; die "configuring failed (see $logs/configure.log)"; }
grep -q '^EVSEL_BACKEND:STRING=asio$' "$build/CMakeCache.txt" || die "not an Asio build"

build_targets() {  # <log>
  cmake --build "$build" --target evsel_conformance evsel_unit evsel_wsa -j "$jobs" >"$1" 2>&1
}

# run_suites <label>: runs both programs; writes logs/<label>-{unit,conformance}.{xml,log}
# and logs/<label>.failed (one failing test a line, "unit: " or "conformance: " first, a
# timed-out or crashed case marked so). Returns 0 when everything passed.
run_suites() {
  local label=$1 status=0 suite rc
  : >"$logs/$label.failed"
  for suite in unit conformance wsa; do
    local args=() xml="$logs/$label-$suite.xml" log="$logs/$label-$suite.log"
    [ "$suite" = conformance ] && args=("~[.]")
    [ "$suite" = wsa ] && args=("~[.]~[layer-difference]")
    rc=0
    (cd "$build/tests" && timeout -k 10 "$timeout_s" "$(program "$suite")" "${args[@]}" \
      -r xml -o "$xml" >"$log" 2>&1) || rc=$?
    local failed
    failed=$(helper failures "$xml")
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
      status=1
      # The case it hung in: the one Catch2 closed on timeout's SIGTERM, or the one left open
      # (SIGKILL).
      local marker="[timeout after $timeout_s s]"
      if printf '%s\n' "$failed" | grep -q ' \[\(signal: SIGTERM\|unfinished\)\]$'; then
        failed=$(printf '%s\n' "$failed" |
          sed 's/ \[\(signal: SIGTERM\|unfinished\)\]$/ '"$marker"'/')
      else
        failed="${failed:+$failed$'\n'}(a case after these: $marker)"
      fi
    elif [ $rc -ne 0 ]; then
      status=1
      failed=$(printf '%s\n' "$failed" | sed 's/ \[unfinished\]$/ [crashed, exit '"$rc"']/')
      [ -n "$failed" ] || failed="(exit $rc, no case named)"
    elif [ -n "$failed" ]; then
      status=1  # should not happen: failures with exit status 0
    fi
    [ -z "$failed" ] || printf '%s\n' "$failed" | sed "s/^/$suite: /" >>"$logs/$label.failed"
  done
  return $status
}

# The test program of a suite, from the build's tests/ directory.
program() { [ "$1" = wsa ] && echo ./wsa/evsel_wsa || echo "./evsel_$1"; }

# The failing cases of a run, without the suite prefix and the markers.
case_names() { sed -e 's/^[a-z]*: //' -e 's/ \[\(timeout\|crashed\|unfinished\|signal\)[^]]*\]$//' "$1"; }

# confirm <label>: runs each failing case of <label> on its own, once more (up to three of
# them); 0 if at least one fails again.
confirm() {
  local label=$1 line suite name spec rc n=0
  while IFS= read -r line; do
    suite=${line%%: *}
    name=${line#*: }
    name=${name% \[*\]}
    case "$name" in "("*) return 0 ;; esac  # no case named: the whole program failed
    n=$((n + 1))
    [ $n -le 3 ] || break
    spec=$(helper spec "$name")
    rc=0
    (cd "$build/tests" && timeout -k 10 "$timeout_s" "$(program "$suite")" "$spec" \
      >>"$logs/$label-confirm.log" 2>&1) || rc=$?
    [ $rc -eq 0 ] || return 0
  done <"$logs/$label.failed"
  return 1
}

say "building the unmutated copy"
build_targets "$logs/baseline-build.log" ||
  { tail -n 40 "$logs/baseline-build.log" >&2; die "the unmutated copy does not build"; }
{ [ -x "$build/tests/evsel_unit" ] && [ -x "$build/tests/evsel_conformance" ] &&
  [ -x "$build/tests/wsa/evsel_wsa" ]; } ||
  die "the build made no evsel_unit, evsel_conformance or evsel_wsa"
say "running the suites on the unmutated copy"
t0=$(date +%s)
if ! run_suites baseline-start; then
  cat "$logs/baseline-start.failed" >&2
  die "the unmutated copy fails its own suites (logs/baseline-start-*): nothing to compare with"
fi
baseline_seconds=$(($(date +%s) - t0))
printf 'green: %s unit and %s conformance cases in %s s\n' \
  "$(grep -c '<TestCase ' "$logs/baseline-start-unit.xml")" \
  "$(grep -c '<TestCase ' "$logs/baseline-start-conformance.xml")" "$baseline_seconds"

printf 'id\tstatus\tfirst_failing\tall_failing\tconfirmed\tseconds\twhat\n' >"$results"
for entry in "${mutant_lines[@]}"; do
  IFS=$'\t' read -r id files what <<<"$entry"
  if [ -n "$only" ] && ! [[ $id =~ $only ]]; then continue; fi
  say "$id ($files): $what"
  t0=$(date +%s)
  restore
  status="" first="" all="" confirmed="-"
  if ! reason=$(helper apply "$mutant_list" "$id" "$tree" 2>&1); then
    status="did not apply"
    first=$reason
  elif ! build_targets "$logs/$id-build.log"; then
    status="did not build"
    first="see logs/$id-build.log: $(grep -m1 'error' "$logs/$id-build.log" || true)"
  elif run_suites "$id"; then
    status="survived"
  else
    status="caught"
    if grep -q '\[timeout after' "$logs/$id.failed"; then
      status="caught (timeout)"
    elif grep -q '\[\(signal: SIG\|crashed\)' "$logs/$id.failed"; then
      status="caught (crash)"
    fi
    first=$(head -n 1 "$logs/$id.failed")
    all=$(paste -sd'|' "$logs/$id.failed" | sed 's/|/ | /g')
    if confirm "$id"; then confirmed=yes; else confirmed=no; fi
  fi
  restore
  seconds=$(($(date +%s) - t0))
  printf '%s: %s%s (%s s)\n' "$id" "$status" "${first:+: $first}" "$seconds"
  # No empty field: read splits at runs of tabs.
  first=${first//$'\t'/ }
  first=${first//$'\n'/ }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$status" "${first:--}" "${all:--}" \
    "$confirmed" "$seconds" "$what" >>"$results"
done

say "the unmutated copy again"
restore
for f in "${mutated_files[@]}"; do
  cmp -s "$pristine/$f" "$tree/$f" || die "$f was not restored"
done
build_targets "$logs/baseline-end-build.log" ||
  { tail -n 40 "$logs/baseline-end-build.log" >&2; die "the restored copy does not build"; }
baseline_end=green
run_suites baseline-end || baseline_end="NOT green: $(case_names "$logs/baseline-end.failed" | paste -sd'|' | sed 's/|/; /g')"
cat "$logs/baseline-start.failed" "$logs/baseline-end.failed" | sed 's/^[a-z]*: //' |
  sed 's/ \[\(timeout\|crashed\|unfinished\|signal\)[^]]*\]$//' | sort -u >"$logs/baseline.flaky"

# The table. Doubtful: caught only by cases that also failed unmutated, or not again when
# run on their own.
{
  printf 'Mutation check of %s with %s\n' "$source_tree" "$mutant_list"
  printf 'baseline (start): green; baseline (end): %s\n\n' "$baseline_end"
  printf '%-5s %-17s %-3s %s\n' id status ok? "first failing test (all of them: below) / what"
  total=0 caught=0 survived=0 unapplied=0 doubtful_ids=()
  while IFS=$'\t' read -r id status first all confirmed seconds what; do
    [ "$id" != id ] || continue
    total=$((total + 1))
    mark="   "
    case "$status" in
      caught*)
        caught=$((caught + 1))
        doubtful=no
        [ "$confirmed" = yes ] || doubtful=yes
        if [ -s "$logs/baseline.flaky" ] &&
          ! case_names "$logs/$id.failed" | grep -qvxF -f "$logs/baseline.flaky"; then
          doubtful=yes
        fi
        if [ $doubtful = yes ]; then
          mark=" ? "
          doubtful_ids+=("$id")
        fi
        ;;
      survived) survived=$((survived + 1)) ;;
      *) unapplied=$((unapplied + 1)) ;;
    esac
    more=""
    if [ -f "$logs/$id.failed" ] && [ "$(wc -l <"$logs/$id.failed")" -gt 1 ]; then
      more=" (+$(($(wc -l <"$logs/$id.failed") - 1)) more)"
    fi
    printf '%-5s %-17s %s %s%s\n' "$id" "$status" "$mark" "$first" "$more"
    printf '%-5s %-17s     %s\n' "" "" "$what"
  done <"$results"
  printf '\nthe failing tests of each caught mutant (again: failed again when run alone):\n'
  while IFS=$'\t' read -r id status first all confirmed seconds what; do
    case "$status" in caught*) ;; *) continue ;; esac
    printf '%s (again: %s, %s s):\n' "$id" "$confirmed" "$seconds"
    sed 's/^/    /' "$logs/$id.failed"
  done <"$results"
  printf '\ndoubtful (caught only by a test that failed unmutated too, or not again on its own): %s\n' \
    "${doubtful_ids[*]:-none}"
  printf 'time: %s s in all\n' "$(($(date +%s) - started))"
  printf 'mutants: %s, caught %s, survived %s, did not apply %s\n' \
    "$total" "$caught" "$survived" "$unapplied"
} >"$report"
printf '\n'
cat "$report"
