#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel stress: thousands of connections between two processes; the serving side registers
# all of them on one poller. Environment (set by CTest): EVSEL_SCALE_PEER, the program;
# EVSEL_RUNNER, how to start it ("wine" for the Windows build).
set -euo pipefail
read -r -a runner <<<"${EVSEL_RUNNER:-}"
peer=${EVSEL_SCALE_PEER:?}
# 10,000 on POSIX; under Wine 4,000 (each Wine socket is also a wineserver object, and one
# wineserver serves both processes).
connections=10000
[[ "${runner[0]:-}" == *wine* ]] && connections=4000
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"${runner[@]}" "$peer" serve --connections "$connections" --timeout 120 >"$work/serve.out" 2>&1 &
server_pid=$!
for ((tries = 400; tries > 0; tries--)); do
  grep -q "listening on" "$work/serve.out" && break
  sleep 0.05
done
address=$(sed -n 's/^listening on \([0-9.:]*\).*/\1/p' "$work/serve.out" | tr -d '\r')
[ -n "$address" ] || { cat "$work/serve.out"; echo "FAIL: the serving side did not start"; exit 1; }
status=0
"${runner[@]}" "$peer" connect "$address" --connections "$connections" --timeout 120 || status=$?
serve_status=0
wait "$server_pid" || serve_status=$?
server_pid=
tr -d '\r' <"$work/serve.out"
[ "$status" -eq 0 ] || { echo "FAIL: the connecting side failed ($status)"; exit 1; }
[ "$serve_status" -eq 0 ] || { echo "FAIL: the serving side failed ($serve_status)"; exit 1; }
echo "ok: $connections connections"
