# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# evsel chat, end to end: the scenarios of outside attacks. Sourced by chat_e2e.sh, whose
# helpers (start_server, open_client, expect, ...) they use.

# run_attack <mode> [attack options...]: hostile clients (evsel-chat-attack) against the
# running server; their summary line is printed and kept in $work/attack.out.
run_attack() {
  local mode=$1
  shift
  "${runner[@]}" "$attack_program" --server "127.0.0.1:$port" --mode "$mode" "$@" \
    >"$work/attack.out" 2>&1 || fail "the attack ($mode) failed: $(cat "$work/attack.out")"
  grep "^attack " "$work/attack.out"
}

# attack_figure <key>: a value from the last attack's summary line.
attack_figure() {
  sed -n "s/^attack .*\b$1=\([^ ]*\).*/\1/p" "$work/attack.out"
}

# Clients stream a line they never finish for a little longer than --line-timeout, and
# reset their connections meanwhile: the server cuts them off as their resets arrive. It must
# neither crash (the sanitizer builds would abort) nor spin, and the room goes on.
scenario_reset_mid_line() {
  start_server --line-timeout 1
  open_client a nc
  expect a "$(welcome guest1 1)"
  run_attack reset-mid-line --clients 400 --seconds 8 --hold-ms 1000-2200
  server_alive
  local cut
  cut=$(grep -c "(line not finished within 1 s)" "$work/server.err" || true)
  echo "clients cut off for an unfinished line: $cut"
  [ "$cut" -gt 0 ] || fail "no client was cut off: the attack did not reach the line timeout"
  local before after
  before=$(server_cpu_ticks)
  sleep 1
  after=$(server_cpu_ticks)
  echo "server CPU over 1 s after the attack: $((after - before)) ticks"
  [ $((after - before)) -le 20 ] || fail "the server used $((after - before)) ticks in 1 s: it spins"
  open_client b nc
  wait_for "$window" grep -q "^\* welcome to evsel chat, you are guest" "$work/b.out" ||
    fail "b was not welcomed after the attack"
  say a 'after the attack\n'
  expect b "<guest1> after the attack"
  end_input a
  end_input b
  stop_server
}

# open_log_pipe: the server's log goes to a pipe that this script holds open for reading
# (on descriptor $log_fd) but does not read. Call start_server next, then log_pipe_started.
open_log_pipe() {
  mkfifo "$work/log.fifo"
  # Read and write: opening a FIFO so never blocks, and the server's open then finds a reader.
  exec {log_rw}<>"$work/log.fifo"
  server_stderr=$work/log.fifo
}
log_pipe_started() {
  exec {log_fd}<"$work/log.fifo"
  exec {log_rw}>&-  # from now on the server holds the only writing end
}

# The log's reader goes away before the first line (evsel-chat-server 2>&1 | head -c 0):
# writing the log must neither kill the server (SIGPIPE) nor stop it.
scenario_log_gone() {
  open_log_pipe
  start_server
  log_pipe_started
  exec {log_fd}<&-
  open_client a nc
  expect a "$(welcome guest1 1)"
  open_client b socat
  expect b "$(welcome guest2 2)"
  say a 'nobody reads the log\n'
  expect b "<guest1> nobody reads the log"
  end_input a
  expect b "* guest1 left (connection closed)"
  end_input b
  stop_server
}

# The log's reader stalls: the pipe fills, then the server's own buffer; the room must go on
# being served meanwhile, and once the reader reads again it learns how many lines were lost.
scenario_log_stalled() {
  open_log_pipe
  # The storm below comes from one address, as fast as it can.
  start_server --max-per-address 0 --max-connect-rate 0
  log_pipe_started
  open_client a nc
  expect a "$(welcome guest1 1)"
  open_client b socat
  expect b "$(welcome guest2 2)"
  # Each connection is two log lines of about 70 bytes: far more than the pipe (64 KiB) and
  # the server's log buffer (64 KiB) hold.
  # 1,200 connections are 2,400 lines of log, some 180 KB: more than both buffers. (Under
  # Wine the storm serves about 150-500 a second, depending on the machine's load, on Linux
  # 20,000.) A stalled loop would serve none, so storms of 6 s go on until enough were served.
  local cycles=0 storms=0 served
  while [ "$cycles" -lt 1200 ] && [ "$storms" -lt 4 ]; do
    run_attack churn --clients 20 --seconds 6
    served=$(attack_figure admitted)
    cycles=$((cycles + ${served:-0}))
    storms=$((storms + 1))
  done
  [ "$cycles" -ge 1200 ] || fail "only $cycles connections were served in $storms storms of 6 s"
  say a 'the log is stalled\n'
  expect b "<guest1> the log is stalled"
  (
    # Without the clients' FIFO ends, or their input would never end (see open_client).
    for other in "${client_fd[@]}"; do eval "exec $other>&-"; done
    exec timeout "$window" cat <&"$log_fd" >"$work/drained.log"
  ) &
  local drain=$!
  wait_for "$window" grep -q "\.\.\. [0-9]* log lines dropped" "$work/drained.log" ||
    fail "the log never said how many lines it dropped"
  grep -m1 "log lines dropped" "$work/drained.log"
  end_input a
  end_input b
  stop_server
  wait "$drain" || true
  tr -d '\r' <"$work/drained.log" | tail -n 1 | grep -q " server stopped$" ||
    fail "the log did not end with 'server stopped' once its reader read again"
}


# --- Memory -----------------------------------------------------------------------------

# watch_memory: after a warm-up (some traffic, so that what the process sets up once is not
# counted as the attack's: code loaded on first use, and, under Wine, the thread pool's
# workers that busy waits bring, about 14 MiB), samples every 0.1 s until the server ends
# its resident memory (VmRSS) and the kernel memory of its sockets
# (scripts/server_memory.sh), one "rss_kib kernel_bytes tcp_bytes" line each, into
# $work/memory.txt.
watch_memory() {
  load_clients --clients 20 --messages 20 --timeout 60 >/dev/null
  : >"$work/memory.txt"
  local sampler
  sampler="$(dirname "$0")/../../scripts/server_memory.sh"
  (
    while bash "$sampler" "$server_pid" "$port" >>"$work/memory.txt"; do sleep 0.1; done
  ) &
  memory_watch=$!
}

# memory_verdict <budget bytes> <attack>: the peak of (resident memory grown since the
# first sample + the sockets' kernel memory) must stay within the budget. Sanitizer builds
# report the figures without judging them (their allocators keep freed memory aside).
memory_verdict() {
  local budget=$1 attack=$2 figures
  kill "$memory_watch" 2>/dev/null || true
  wait "$memory_watch" 2>/dev/null || true
  figures=$(awk 'NR == 1 { base = $1 }
    { grown = ($1 - base) * 1024; total = grown + $2
      if (total > peak) { peak = total }
      if (grown > peak_rss) { peak_rss = grown }
      if ($2 > peak_kernel) { peak_kernel = $2 } }
    END { printf "%d %d %d %d", peak, peak_rss, peak_kernel, NR }' "$work/memory.txt")
  local peak peak_rss peak_kernel samples
  read -r peak peak_rss peak_kernel samples <<<"$figures"
  echo "$attack: peak $((peak / 1048576)) MiB of a $((budget / 1048576)) MiB budget" \
    "(resident memory grown by up to $((peak_rss / 1048576)) MiB, sockets' kernel memory up" \
    "to $((peak_kernel / 1048576)) MiB; $samples samples)"
  [ "$samples" -ge 5 ] || fail "too few memory samples ($samples)"
  if [ "$sanitized" = 1 ]; then
    echo "not judged: a sanitizer build"
  elif [ "$peak" -gt "$budget" ]; then
    fail "$attack: the server used $((peak / 1048576)) MiB, over its budget"
  fi
}

# 300 clients that never read while four others talk as fast as the readers take it: the
# server must stay within --max-memory (its queues and its sockets' kernel buffers), cut the
# non-readers off, and the readers must still get every line once and in order.
scenario_memory_non_readers() {
  local budget=$((128 * 1048576))
  start_server --max-memory "$budget" --max-per-address 0 --max-connect-rate 0
  watch_memory
  "${runner[@]}" "$attack_program" --server "127.0.0.1:$port" --mode non-readers \
    --clients 300 --seconds 120 >"$work/attack.out" 2>&1 &
  local attack=$!
  wait_for "$window" bash -c "[ \$(grep -c ' as guest' '$work/server.err') -ge 300 ]" ||
    fail "the 300 non-readers did not all get in"
  load_clients --clients 4 --messages 10000 --payload 800 --window 20 --timeout 120
  kill "$attack" 2>/dev/null || true
  wait "$attack" 2>/dev/null || true
  local cut
  cut=$(grep -c "(too slow" "$work/server.err" || true)
  echo "non-readers cut off: $cut of 300"
  [ "$cut" -ge 250 ] || fail "only $cut of 300 non-readers were cut off"
  memory_verdict "$budget" "300 non-readers"
  stop_server
}

# 150 clients each hold an unfinished line of up to 1 MiB (--max-line 1048576): together
# more than the budget. The biggest holders are cut off; the readers lose nothing.
scenario_memory_lines() {
  local budget=$((128 * 1048576))
  start_server --max-memory "$budget" --max-line 1048576 --max-queue 4194304 \
    --max-per-address 0 --max-connect-rate 0
  watch_memory
  "${runner[@]}" "$attack_program" --server "127.0.0.1:$port" --mode partial-lines \
    --clients 150 --bytes 1048000 --seconds 20 >"$work/attack.out" 2>&1 &
  local attack=$!
  load_clients --clients 4 --messages 2000 --payload 200 --window 20 --timeout 120
  wait "$attack" || fail "the attack failed: $(cat "$work/attack.out")"
  grep "^attack " "$work/attack.out"
  local cut
  cut=$(grep -c "disconnect guest.*(unfinished line too large" "$work/server.err" || true)
  echo "clients cut off for their unfinished lines: $cut of 150"
  [ "$cut" -ge 1 ] || fail "nobody was cut off, yet the lines held were over the budget"
  memory_verdict "$budget" "150 unfinished 1 MiB lines"
  stop_server
}

# Twelve clients each send 3,000 lines at once to a room of twelve: the output that makes
# is six times the budget. The server must slow the senders down (it reads less while
# memory is short, and not at all without room) rather than cut off readers who read:
# everyone gets every line. (--max-queue, which cuts off a reader that far behind whatever
# memory is left, is set beyond the budget: the budget is what is tested.)
scenario_memory_burst() {
  local budget=$((48 * 1048576))
  start_server --max-memory "$budget" --max-queue $((64 * 1048576)) --max-per-address 0 \
    --max-connect-rate 0
  watch_memory
  load_clients --clients 12 --messages 3000 --payload 800 --timeout 300
  local cut
  cut=$(grep -c "(too slow" "$work/server.err" || true)
  [ "$cut" -eq 0 ] || fail "$cut readers were cut off as too slow"
  memory_verdict "$budget" "a burst from 12 senders"
  stop_server
}

# --- Slots -------------------------------------------------------------------------------

# Connections that never say a word are closed after --idle-timeout, which frees their
# places in a full room; a client that spoke stays.
scenario_idle() {
  start_server --idle-timeout 2 --max-clients 25 --max-per-address 0 --max-connect-rate 0
  open_client a nc
  expect a "$(welcome guest1 1)"
  say a '/who\n'
  expect a "* 1 online: guest1"
  run_attack silent --clients 24 --seconds 10
  local first last
  first=$(attack_figure first_close_ms)
  last=$(attack_figure last_close_ms)
  echo "silent connections closed after $first to $last ms (--idle-timeout 2)"
  [ "$first" -ge 2000 ] || fail "a silent connection was closed after $first ms, before its time"
  [ "$(grep -c "(said nothing within 2 s)" "$work/server.err")" -eq 24 ] ||
    fail "not every silent connection was cut off for saying nothing"
  open_client b nc
  expect b "$(welcome guest26 2)"
  say a 'still here\n'
  expect b "<guest1> still here"
  end_input a
  end_input b
  stop_server
}

# Every client socket has TCP keep-alive on, with the idle time --keepalive asks for.
scenario_keepalive() {
  start_server --keepalive 30
  open_client a nc
  expect a "$(welcome guest1 1)"
  local timers
  timers=$(ss -tnoH state established "( sport = :$port )")
  echo "$timers"
  grep -q "timer:(keepalive," <<<"$timers" || fail "the client's socket has no keep-alive timer"
  end_input a
  stop_server
}

# A client that vanishes without a FIN (its network gone: nftables drops everything in a
# namespace of this test's own) is noticed by keep-alive and its place freed.
scenario_keepalive_vanished() {
  in_own_namespace keepalive-vanished
  ip link set lo up
  start_server --keepalive 2 --max-clients 1
  open_client a socat
  expect a "$(welcome guest1 1)"
  local started=$SECONDS
  nft -f - <<'RULES' || fail "nft could not load the drop rule"
table inet evsel_vanish {
  chain out {
    type filter hook output priority 0; policy accept;
    oifname "lo" meta l4proto tcp counter drop
  }
}
RULES
  wait_for 30 grep -q "disconnect guest1 .*(connection lost" "$work/server.err" ||
    fail "the vanished client was not noticed within 30 s"
  echo "a vanished client was noticed after about $((SECONDS - started)) s (--keepalive 2)"
  kill_client a
}

# --- Connection storms ---------------------------------------------------------------------

# One address opens connections as fast as it can: beyond its share it is turned away at
# once, cheaply, and the members do not hear of every attempt.
scenario_churn_one_address() {
  start_server
  open_client a nc
  expect a "$(welcome guest1 1)"
  run_attack churn --clients 20 --seconds 3
  local admitted turned
  admitted=$(attack_figure admitted)
  turned=$(attack_figure turned_away)
  echo "one address, 3 s of churn: $admitted admitted, $turned turned away"
  [ "$turned" -gt 0 ] || fail "nothing was turned away"
  # 20 at once, then 20 a second (the defaults), with a second's slack.
  [ "$admitted" -le 100 ] || fail "$admitted connections from one address got in within 3 s"
  grep -q "turned away [0-9]* connections" "$work/server.err" ||
    fail "the log does not summarize the connections turned away"
  # The address's allowance is spent: a second later it has room again.
  sleep 1.1
  open_client b nc
  wait_for "$window" grep -q "you are guest[0-9]* (2 online" "$work/b.out" ||
    fail "b was not welcomed after the storm"
  say a 'after the storm\n'
  expect b "<guest1> after the storm"
  end_input a
  end_input b
  stop_server
}

# Many addresses connect and leave in a storm: the members get at most a few join and leave
# lines a second, and a summary of the rest.
scenario_churn_many_addresses() {
  if [ "$host" != 127.0.0.1 ]; then fail "needs IPv4 loopback"; fi
  start_server
  open_client a nc
  expect a "$(welcome guest1 1)"
  run_attack churn --clients 40 --seconds 4 --sources 40
  local admitted notices summaries
  admitted=$(attack_figure admitted)
  notices=$(grep -c "^\* guest[0-9]* \(joined\|left\)" "$work/a.out" || true)
  summaries=$(grep -c "^\* [0-9]* joined and [0-9]* left in the last second" "$work/a.out" || true)
  echo "40 addresses, 4 s of churn: $admitted admitted; a member got $notices join/leave" \
    "lines and $summaries summaries"
  [ "$admitted" -ge 200 ] || fail "only $admitted connections got in: the storm was too weak"
  [ "$summaries" -ge 1 ] || fail "no summary line"
  [ "$notices" -le 60 ] || fail "a member got $notices join/leave lines in 4 s"
  end_input a
  stop_server
}

# Per address at once: --max-per-address (16 by default); other addresses still get in.
scenario_per_address() {
  start_server --max-connect-rate 0
  run_attack members --clients 20 --seconds 2
  local admitted turned
  admitted=$(attack_figure admitted)
  turned=$(attack_figure turned_away)
  echo "20 connections from one address: $admitted admitted, $turned turned away"
  if [ "$admitted" -ne 16 ] || [ "$turned" -ne 4 ]; then
    fail "expected 16 admitted and 4 turned away"
  fi
  run_attack members --clients 20 --seconds 2 --sources 2
  admitted=$(attack_figure admitted)
  [ "$admitted" -eq 20 ] || fail "from two addresses, $admitted of 20 got in"
  stop_server
}
