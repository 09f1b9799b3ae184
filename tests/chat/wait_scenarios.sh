# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# evsel chat, end to end: what the server's and the client's waits bring: the order of a
# batch's records, an idle server's sleep, the client's connect deadline. Sourced by
# chat_e2e.sh, whose helpers (start_server, open_client, expect, ...) they use.

# The number of times the server's threads were scheduled off the CPU so far, waits
# included (Linux /proc): a thread blocked in one long wait adds nothing.
server_context_switches() {
  cat "/proc/$server_pid/task"/*/status | awk '/ctxt_switches:/ { n += $2 } END { print n }'
}

# established_to <port>: the connections this host has made to that port (client ends).
established_to() {
  ss -tnH state established "( dport = :$1 )" | wc -l
}
established_at_least() {  # <port> <count>
  [ "$(established_to "$1")" -ge "$2" ]
}

# 48 members leave and 30 newcomers arrive while the server is stopped (SIGSTOP), so that
# one wait brings the leavers' closes and the listener's accept together: the leavers'
# places must go to the newcomers, none of whom may be told the room is full. (A server that
# accepts as soon as it meets the listener's record in the batch turns all 30 away.)
scenario_refill() {
  if [ "${#runner[@]}" -gt 0 ]; then
    # The native backend's wait takes the sockets its thread-pool waits have reported by
    # then; after SIGCONT those run side by side, so one wait need not bring all 48 closes.
    echo "skipped: under Wine one wait need not bring the whole batch"
    exit 77
  fi
  command -v ss >/dev/null || fail "ss (iproute2) is needed"
  start_server --max-clients 50 --max-per-address 0 --max-connect-rate 0
  local i
  for i in $(seq 1 50); do open_client "m$i" nc; done
  for i in $(seq 1 50); do
    wait_for "$window" grep -q "^\* welcome" "$work/m$i.out" || fail "m$i was not welcomed"
  done
  kill -STOP "$server_pid"
  for i in $(seq 1 48); do kill_client "m$i"; done
  for i in $(seq 1 30); do open_client "n$i" socat; done
  # The kernel completes the newcomers' connections meanwhile (the listener's queue).
  wait_for "$window" established_at_least "$port" 32 ||
    fail "only $(established_to "$port") connections to the stopped server were made"
  kill -CONT "$server_pid"
  for i in $(seq 1 30); do
    wait_for "$window" grep -q "^\(\* welcome\|! server full\)" "$work/n$i.out" ||
      fail "n$i got no answer"
  done
  local full
  full=$(cat "$work"/n*.out | grep -c "^! server full" || true)
  echo "30 newcomers in the batch where 48 members left: $full told the room was full"
  [ "$full" -eq 0 ] ||
    fail "$full newcomers were turned away although the leavers in the same batch freed 48 places"
  say m49 '/who\n'
  wait_for "$window" grep -q "^\* 32 online: " "$work/m49.out" || fail "the room does not hold 32"
  stop_server
}

# An idle server sleeps: with 100 members connected who say nothing, each with its first-line
# deadline (--idle-timeout, 60 s) far ahead, none of its threads runs for 5 s. A server that
# looked at its clock and its sessions four times a second ran 20 times, and a far deadline
# must not make the wait look at the clock every second either.
scenario_idle_sleep() {
  if [ "${#runner[@]}" -gt 0 ]; then
    echo "skipped: /proc shows the threads of Wine's loader, which wake by themselves"
    exit 77
  fi
  start_server --max-per-address 0 --max-connect-rate 0
  "$attack_program" --server "127.0.0.1:$port" --mode members --clients 100 --seconds 20 \
    >"$work/attack.out" 2>&1 &
  client_pid[members]=$!
  wait_for "$window" bash -c "[ \$(grep -c ' as guest' '$work/server.err') -ge 100 ]" ||
    fail "the 100 members did not all get in"
  # Joins beyond --max-notices are summed up a second later; after that nothing is due.
  sleep 2
  local before after
  before=$(server_context_switches)
  sleep 5
  after=$(server_context_switches)
  echo "an idle server with 100 members: its threads were scheduled" \
    "$((after - before)) times in 5 s"
  [ "$after" -eq "$before" ] || fail "the idle server woke $((after - before)) times in 5 s"
  kill_client members
  stop_server
}

# evsel-chat-client --connect-timeout against a black hole: a listener (backlog 1) that never
# accepts, its queue filled first, so that the OS drops the client's SYN and its connect
# stays pending. The client gives up at its deadline, says so, and exits with status 1.
scenario_connect_timeout() {
  command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 77; }
  # Bounded: at most 16 connects of 1 s each to fill the queue (Linux takes 2).
  python3 -u -c '
import socket, time
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
port = listener.getsockname()[1]
held = []
for attempt in range(16):
    probe = socket.socket()
    probe.settimeout(1.0)
    try:
        probe.connect(("127.0.0.1", port))
        held.append(probe)
    except socket.timeout:
        probe.close()
        print("full", port, len(held))
        break
else:
    print("never-full", port, len(held))
time.sleep(600)
' >"$work/hole.out" 2>&1 &
  client_pid[hole]=$!
  wait_for "$window" grep -q "full" "$work/hole.out" || fail "the black hole did not start"
  local state hole_port held
  read -r state hole_port held <"$work/hole.out"
  if [ "$state" != full ]; then
    echo "skipped: all $held connects to a listener of backlog 1 that never accepts completed:" \
      "this OS makes no black hole that way"
    exit 77
  fi
  echo "black hole on port $hole_port: its queue full after $held connections"
  local status=0 started elapsed client
  started=$EPOCHREALTIME
  "${runner[@]}" "$client_program" "127.0.0.1:$hole_port" --connect-timeout 2 </dev/null \
    >"$work/hole-client.out" 2>&1 &
  client=$!
  client_pid[hole_client]=$client
  if ! wait_for "$window" bash -c "! kill -0 $client 2>/dev/null"; then
    fail "the client was still running after $window s, with $(established_to "$hole_port")" \
      "connections to the black hole established: one more than the $held that fill its queue" \
      "means that the OS completed the client's connect after all (nothing to give up on);" \
      "no more means that the deadline never came"
  fi
  wait "$client" || status=$?
  unset "client_pid[hole_client]"
  elapsed=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
  echo "the client ended after $elapsed ms with status $status:" \
    "$(tr -d '\r' <"$work/hole-client.out")"
  [ "$status" -eq 1 ] || fail "the client exited with status $status, not 1"
  grep -q "cannot connect to 127.0.0.1:$hole_port: no answer within 2 s" "$work/hole-client.out" ||
    fail "the client did not say why it gave up"
  [ "$elapsed" -ge 2000 ] || fail "the client gave up after $elapsed ms, before its 2 s"
}
