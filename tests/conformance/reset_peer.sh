#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel: runs the hidden [.reset-peer] conformance case against a peer in another process that
# is neither evsel nor under Wine: a few lines of Python that answer each connection with 12
# bytes at once and reset it (SO_LINGER 0, no FIN before it), as fast as a server can.
# Environment (set by CTest): EVSEL_CONFORMANCE, the test program; EVSEL_RUNNER, how to start
# it ("wine" for the Windows build).
set -euo pipefail
read -r -a runner <<<"${EVSEL_RUNNER:-}"
program=${EVSEL_CONFORMANCE:?}
command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 77; }
work=$(mktemp -d)
peer_pid=
cleanup() {
  if [ -n "$peer_pid" ]; then
    kill "$peer_pid" 2>/dev/null || true
    wait "$peer_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

python3 -u -c '
import socket, struct
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(128)
print(listener.getsockname()[1])
while True:
    connection, _ = listener.accept()
    connection.sendall(b"twelve-bytes")
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()
' >"$work/port" &
peer_pid=$!
for ((tries = 0; tries < 100; tries++)); do
  [ -s "$work/port" ] && break
  sleep 0.05
done
port=$(tr -d '\r\n' <"$work/port")
[ -n "$port" ] || { echo "FAIL: the peer did not start"; exit 1; }
EVSEL_RESET_PEER="127.0.0.1:$port" "${runner[@]}" "$program" "[.reset-peer]"
