#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The article's server and client in one scripted session: the server starts, alice logs in
# and stays, 200 clients talk to the server at once (more than 64: the server's worker
# threads), then the server closes after the 200th session, telling alice so. Every log is
# checked line for line.
#   article_session.sh [clients [lines per client]]
# Environment (set by CTest): EVSEL_WSA_SERVER, EVSEL_WSA_CLIENT: the programs; EVSEL_RUNNER:
# how to start them ("wine" for the Windows build, empty on Linux); EVSEL_WSA_SESSION_LOG:
# a file to keep the session's logs in (optional).
set -euo pipefail
# wait_for.
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

clients=${1:-200}
per_client=${2:-5}
read -r -a runner <<<"${EVSEL_RUNNER:-}"
server_program=${EVSEL_WSA_SERVER:?}
client_program=${EVSEL_WSA_CLIENT:?}
# Under Wine a process starts in about a second, more on a busy machine.
window=20

work=$(mktemp -d)
server_pid=''
alice_pid=''
cleanup() {
  for pid in $server_pid $alice_pid; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The logs without the carriage returns of Windows' text-mode stdout.
log() { tr -d '\r' <"$work/$1.out"; }

session_log() {
  echo "== server"
  log server
  echo "== alice"
  log alice
  echo "== $clients clients"
  log crowd
}

keep_log() {
  [ -z "${EVSEL_WSA_SESSION_LOG:-}" ] || session_log >"$EVSEL_WSA_SESSION_LOG"
}

fail() {
  echo "FAIL: $*" >&2
  keep_log
  session_log | head -c 20000 | cat -v >&2 || true
  exit 1
}

# finish <pid> <what>: the process ends within the window, with status 0.
finish() {
  local status=0
  wait_for "$window" bash -c "! kill -0 $1 2>/dev/null" || fail "$2 did not end"
  wait "$1" || status=$?
  [ "$status" -eq 0 ] || fail "$2 exited with status $status"
}

for file in server alice crowd; do : >"$work/$file.out"; done
started=$(date +%s)

# 1. The server starts, on a port the system chooses, and stops after the crowd's sessions.
timeout 60 "${runner[@]}" "$server_program" --address 127.0.0.1 --port 0 \
  --stop-after "$clients" >"$work/server.out" 2>&1 &
server_pid=$!
# Polled while it runs: a server that exits at once fails here, not after the window.
started() { grep -q "^listening on port [0-9]" "$work/server.out" || ! kill -0 "$server_pid"; }
wait_for "$window" started || true
grep -q "^listening on port [0-9]" "$work/server.out" || fail "the server did not start"
port=$(log server | sed -n 's/^listening on port \([0-9]*\)$/\1/p')
[ -n "$port" ] || fail "no port in the server's log"

# 2. The client logs in, says hello and stays until the server closes.
timeout 60 "${runner[@]}" "$client_program" --address 127.0.0.1 --port "$port" --name alice \
  --line "hello from alice" --stay --timeout 30 >"$work/alice.out" 2>&1 &
alice_pid=$!
wait_for "$window" grep -q "^alice: echo: alice: hello from alice" "$work/alice.out" ||
  fail "alice did not log in and talk"

# 3. The crowd: all logged in at once, then each sends its lines and leaves.
status=0
timeout 40 "${runner[@]}" "$client_program" --address 127.0.0.1 --port "$port" --name c \
  --clients "$clients" --count "$per_client" --timeout 10 >"$work/crowd.out" 2>&1 || status=$?
[ "$status" -eq 0 ] || fail "the $clients clients exited with status $status"

# 4. The server closes: the last of the crowd's sessions stops it; alice sees the close.
finish "$server_pid" "the server"
server_pid=
finish "$alice_pid" "alice"
alice_pid=

# The checks, exact: every line delivered once, in each client's order, the counts agreeing.
names() {
  echo alice
  for ((c = 1; c <= clients; c++)); do printf 'c%03d\n' "$c"; done
}
lines_of() {  # <name>: what it sent, in order
  if [ "$1" = alice ]; then
    echo "hello from alice"
  else
    for ((k = 1; k <= per_client; k++)); do echo "message $k of $per_client from $1"; done
  fi
}
# same <what> <expected file> <actual file>
same() {
  diff -u "$2" "$3" >"$work/diff" || fail "$1 differ (- expected, + seen): $(head -n 20 "$work/diff")"
}

names | sort >"$work/names"
log server | sed -n 's/^login \([^ ]*\) (thread [0-9]*)$/\1/p' | sort >"$work/logins"
same "the server's logins" "$work/names" "$work/logins"

# A stable sort by name keeps each client's lines in the order the server saw them.
while read -r name; do
  lines_of "$name" | sed "s/^/message $name: /"
done < <(names) | sort -s -k2,2 >"$work/messages.expected"
log server | grep '^message ' | sort -s -k2,2 >"$work/messages" || true
same "the server's messages" "$work/messages.expected" "$work/messages"

{
  echo "close alice: server stopping, 1 messages"
  for ((c = 1; c <= clients; c++)); do
    printf 'close c%03d: client left, %d messages\n' "$c" "$per_client"
  done
} | sort >"$work/closes.expected"
log server | grep '^close ' | sort >"$work/closes" || true
same "the server's closes" "$work/closes.expected" "$work/closes"

# All at once: one thread per 63 sockets (the 64th event of each is its rebuild event).
sessions=$((clients + 1))
threads=$(((sessions + 62) / 63))
messages=$((clients * per_client + 1))
{
  echo "listening on port $port"
  for ((t = 1; t <= threads; t++)); do echo "thread $t started"; done
  echo "stopped: $sessions sessions, $messages messages, at most $sessions at once on $threads threads"
} >"$work/frame.expected"
log server | grep -v '^\(login\|message\|close\) ' >"$work/frame" || true
same "the server's other lines" "$work/frame.expected" "$work/frame"
[ "$(log server | wc -l)" -eq $((threads + 2 + 2 * sessions + messages)) ] ||
  fail "the server's log has lines it should not"

printf '%s\n' "alice: connected" "alice: login reply: WELCOME alice (success)" \
  "alice: echo: alice: hello from alice" "alice: the server closed the connection" \
  "alice: 1 of 1 lines echoed, as expected" >"$work/alice.expected"
log alice >"$work/alice.seen"
same "alice's log" "$work/alice.expected" "$work/alice.seen"

echo "$clients clients: $clients logged in, $((clients * per_client)) of $((clients * per_client)) lines echoed, $clients closed by the server, all as expected" \
  >"$work/crowd.expected"
log crowd >"$work/crowd.seen"
same "the clients' log" "$work/crowd.expected" "$work/crowd.seen"

keep_log
echo "the session passed in $(($(date +%s) - started)) s: $sessions sessions on $threads server threads, $messages lines echoed"
