#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel benchmarks: the chat server under outside attacks, with the figures that say how it
# held: memory (resident, its sockets' kernel buffers, the machine's TCP memory), CPU,
# a talker's latency, the time to free a place, connections served while the log stalls.
# This build's server and, with --baseline, another server binary (an older build) are
# attacked in the same run, one after the other, with the same clients.
#   bench/chat_attacks.sh                  every attack at full size (about 5 minutes)
#   bench/chat_attacks.sh --smoke          every attack, small and short (./run.sh test)
# Options:
#   --build DIR        use this existing Linux build instead of a Release build
#   --baseline SERVER  also attack this evsel-chat-server binary, first
#   --out DIR          where results.txt and table.md go (default build/chat-attacks)
# Linux only: the figures come from /proc and ss.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build="${EVSEL_BUILD_DIR:-$top/build}"
jobs=$(nproc 2>/dev/null || echo 2)
# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"

smoke=0 linux_build="" baseline="" out="$build/chat-attacks"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --build) linux_build=${2:?}; shift ;;
    --baseline) baseline=${2:?}; shift ;;
    --out) out=${2:?}; shift ;;
    *) die "unknown option $1 (see the comment at the top of bench/chat_attacks.sh)" ;;
  esac
  shift
done
[ -z "$baseline" ] || [ -x "$baseline" ] || die "--baseline: $baseline is not a program"
need_packages "${linux_packages[@]}" iproute2
mkdir -p "$out"

if [ -z "$linux_build" ]; then
  linux_build="$build/bench-linux"
  say "Release build (Linux)"
  cmake -S "$top" -B "$linux_build" -DCMAKE_BUILD_TYPE=Release -DEVSEL_BUILD_TESTS=ON >/dev/null
fi
cmake --build "$linux_build" -j "$jobs" \
  --target evsel-chat-server evsel-chat-load evsel-chat-attack >/dev/null
load="$linux_build/tests/chat/load/evsel-chat-load"
attack="$linux_build/tests/chat/attack/evsel-chat-attack"
sampler="$top/scripts/server_memory.sh"
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill -KILL "$server_pid" 2>/dev/null || true
  jobs -p | xargs -r kill 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap '' PIPE
: >"$out/results.txt"

# Sizes: the attacks as reported (issue figures), or small ones for the smoke run.
if [ $smoke = 1 ]; then
  non_readers=100 sender_lines=2000 holders=40 silent_wait=4 members=200 storm=2
else
  non_readers=1000 sender_lines=20000 holders=400 silent_wait=75 members=2000 storm=10
fi

# --- one server --------------------------------------------------------------------------

# start <server> [options...]: on 127.0.0.1, a port of the OS's choosing; log to server.err
# unless $log_to names another file.
start() {
  local program=$1
  shift
  : >"$work/server.out"
  env --default-signal=PIPE "$program" --listen 127.0.0.1:0 "$@" >"$work/server.out" \
    2>"${log_to:-$work/server.err}" &
  server_pid=$!
  local tries
  for ((tries = 200; tries > 0; tries--)); do
    grep -q "listening on" "$work/server.out" && break
    sleep 0.05
  done
  port=$(sed -n 's/.*listening on .*:\([0-9]*\) (backend.*/\1/p' "$work/server.out")
  [ -n "$port" ] || die "the server did not start: $(cat "$work/server.out")"
}

stop() {
  kill -INT "$server_pid" 2>/dev/null || true
  local tries
  for ((tries = 200; tries > 0; tries--)); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# knows <server> <option>: whether the server has that option (older builds have fewer).
knows() { "$1" --help 2>/dev/null | grep -q -- "$2 "; }

# unlimited <server>: the options that let many connections come from one address.
unlimited() {
  if knows "$1" --max-per-address; then echo "--max-per-address 0 --max-connect-rate 0"; fi
}

cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) / hz }' \
    "/proc/$server_pid/stat"
}

# Memory sampling while an attack runs: "rss_kib kernel_bytes tcp_bytes" every 0.1 s.
sample_memory() {
  : >"$work/memory.txt"
  (while bash "$sampler" "$server_pid" "$port" >>"$work/memory.txt"; do sleep 0.1; done) &
  sampling=$!
}
# peaks: "grown_rss_mib kernel_mib tcp_grown_mib" over the samples so far.
peaks() {
  kill "$sampling" 2>/dev/null || true
  wait "$sampling" 2>/dev/null || true
  awk 'NR == 1 { rss0 = $1; tcp0 = $3 }
    { if ($1 - rss0 > r) r = $1 - rss0; if ($2 > k) k = $2; if ($3 - tcp0 > t) t = $3 - tcp0 }
    END { printf "%.0f %.0f %.0f", r / 1024, k / 1048576, t / 1048576 }' "$work/memory.txt"
}

# wait_connected <count>: until the server holds that many established connections (30 s).
wait_connected() {
  local tries
  for ((tries = 300; tries > 0; tries--)); do
    [ "$(ss -tnH state established "( sport = :$port )" | wc -l)" -ge "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

record() {  # <attack> <server name> <key> <value>
  printf '%s %s %s %s\n' "$1" "$2" "$3" "$4" | tee -a "$out/results.txt"
}

# --- the attacks -------------------------------------------------------------------------

attack_non_readers() {  # <name> <server>
  # shellcheck disable=SC2046
  start "$2" --quiet $(unlimited "$2")
  sample_memory
  "$attack" --server "127.0.0.1:$port" --mode non-readers --clients "$non_readers" \
    --seconds 600 >"$work/attack.out" 2>&1 &
  local attacker=$!
  wait_connected "$non_readers" || true
  local status=ok
  "$load" --server "127.0.0.1:$port" --clients 2 --messages "$sender_lines" --payload 800 \
    --window 20 --timeout 300 >"$work/load.out" 2>&1 || status=failed
  local figures
  figures=$(peaks)
  kill "$attacker" 2>/dev/null || true
  wait "$attacker" 2>/dev/null || true
  stop
  read -r rss kernel tcp <<<"$figures"
  record non-readers "$1" resident_grown_mib "$rss"
  record non-readers "$1" sockets_kernel_mib "$kernel"
  record non-readers "$1" machine_tcp_grown_mib "$tcp"
  record non-readers "$1" readers_every_line "$status"
}

attack_partial_lines() {  # <name> <server>
  # shellcheck disable=SC2046
  start "$2" --quiet --max-line 1048576 --max-queue 4194304 $(unlimited "$2")
  sample_memory
  "$attack" --server "127.0.0.1:$port" --mode partial-lines --clients "$holders" \
    --bytes 1048000 --seconds $((smoke ? 4 : 15)) >"$work/attack.out" 2>&1 || true
  local figures
  figures=$(peaks)
  stop
  read -r rss kernel tcp <<<"$figures"
  record partial-lines "$1" resident_grown_mib "$rss"
  record partial-lines "$1" sockets_kernel_mib "$kernel"
  record partial-lines "$1" holders_cut_off \
    "$(sed -n 's/.*closed_by_server=\([0-9]*\).*/\1/p' "$work/attack.out")"
}

attack_silent() {  # <name> <server>
  local options=(--quiet --max-clients 50)
  # The smoke run cannot wait a minute: a short timeout where the server has one.
  if [ $smoke = 1 ] && knows "$2" --idle-timeout; then options+=(--idle-timeout 2); fi
  # shellcheck disable=SC2046
  start "$2" "${options[@]}" $(unlimited "$2")
  "$attack" --server "127.0.0.1:$port" --mode silent --clients 50 --seconds "$silent_wait" \
    >"$work/attack.out" 2>&1 || true
  stop
  local first
  first=$(sed -n 's/.*first_close_ms=\(-\?[0-9]*\).*/\1/p' "$work/attack.out")
  [ "${first:--1}" -ge 0 ] || first="never (none within ${silent_wait} s)"
  record silent "$1" first_place_freed_ms "$first"
}

# result_ms <load output> <key>: a latency figure of the load test's result line, in ms.
result_ms() {
  sed -n "s/^result .*\\b$2=\\([^ ]*\\).*/\\1/p" "$1" | awk '{ printf "%.1f", $1 / 1000 }'
}

# storm <attack> <name> <server> <churn options...>: a room of $members members, a talker
# pair's latency in the quiet room, the server's CPU while connections churn for $storm
# seconds, then the talker's latency over 100 lines while the same churn goes on.
storm() {
  local attack_label=$1 name=$2 program=$3
  shift 3
  start "$program" --quiet
  # The audience: members from 150 addresses (127.0.0.100 on), at most 14 each (under the
  # default --max-per-address), reading everything.
  "$attack" --server "127.0.0.1:$port" --mode members --clients "$members" --sources 150 \
    --first-source 100 --seconds 3600 >"$work/members.out" 2>&1 &
  local audience=$!
  wait_connected "$members" || true
  "$load" --server "127.0.0.1:$port" --clients 2 --messages 200 --window 1 --timeout 120 \
    >"$work/quiet.out" 2>&1 || true
  local before after
  before=$(cpu_seconds)
  "$attack" --server "127.0.0.1:$port" --mode churn --seconds "$storm" "$@" \
    >"$work/attack.out" 2>&1 || true
  after=$(cpu_seconds)
  local cycles
  cycles=$(sed -n 's/.*connections=\([0-9]*\).*/\1/p' "$work/attack.out")
  # The same churn again, as long as the talker takes for 100 lines.
  "$attack" --server "127.0.0.1:$port" --mode churn --seconds 3600 "$@" >/dev/null 2>&1 &
  local churn=$!
  sleep 0.3
  "$load" --server "127.0.0.1:$port" --clients 2 --messages 100 --window 1 --timeout 300 \
    >"$work/talk.out" 2>&1 || true
  kill "$churn" 2>/dev/null || true
  wait "$churn" 2>/dev/null || true
  kill "$audience" 2>/dev/null || true
  wait "$audience" 2>/dev/null || true
  stop
  record "$attack_label" "$name" connections_per_s \
    "$(awk -v c="${cycles:-0}" -v s="$storm" 'BEGIN { printf "%.0f", c / s }')"
  record "$attack_label" "$name" server_cpu_percent \
    "$(awk -v a="$before" -v b="$after" -v s="$storm" 'BEGIN { printf "%.0f", (b - a) * 100 / s }')"
  record "$attack_label" "$name" cpu_us_per_connection \
    "$(awk -v a="$before" -v b="$after" -v c="${cycles:-1}" 'BEGIN { printf "%.0f", (b - a) * 1e6 / (c ? c : 1) }')"
  record "$attack_label" "$name" talker_p50_ms_quiet "$(result_ms "$work/quiet.out" p50_us)"
  record "$attack_label" "$name" talker_p50_ms_churn "$(result_ms "$work/talk.out" p50_us)"
  record "$attack_label" "$name" talker_p99_ms_churn "$(result_ms "$work/talk.out" p99_us)"
}

# One address (127.0.0.2) opens connections as fast as it can.
attack_storm_one() { storm storm-one-address "$1" "$2" --clients 50 --first-source 2; }
# Fifty addresses (127.0.0.20 to .69) do, one connection at a time each.
attack_storm_many() { storm storm-50-addresses "$1" "$2" --clients 50 --sources 50 --first-source 20; }

attack_log_stall() {  # <name> <server>
  mkfifo "$work/log.fifo"
  exec {log_rw}<>"$work/log.fifo"  # a reader that never reads
  # shellcheck disable=SC2046
  log_to="$work/log.fifo" start "$2" $(unlimited "$2")
  "$attack" --server "127.0.0.1:$port" --mode churn --clients 20 --seconds 4 \
    >"$work/attack.out" 2>&1 || true
  stop
  exec {log_rw}>&-
  rm -f "$work/log.fifo"
  record log-stall "$1" served_per_s \
    "$(sed -n 's/.*admitted=\([0-9]*\).*/\1/p' "$work/attack.out" | awk '{ printf "%.0f", $1 / 4 }')"
}

servers=()
[ -z "$baseline" ] || servers+=("baseline=$baseline")
servers+=("evsel=$linux_build/examples/chat/server/evsel-chat-server")
for attack_name in non_readers partial_lines silent storm_one storm_many log_stall; do
  say "attack: $attack_name"
  for entry in "${servers[@]}"; do
    "attack_$attack_name" "${entry%%=*}" "${entry#*=}"
  done
done

# --- the table -----------------------------------------------------------------------------
{
  echo "| attack | figure | ${baseline:+baseline | }this build |"
  echo "| --- | --- | ${baseline:+--- | }--- |"
  awk '{ key = $1 " | " $3; if (!(key in seen)) { order[++n] = key; seen[key] = 1 }
         value[key, $2] = $4 }
       END { for (i = 1; i <= n; i++) {
               k = order[i]; line = "| " k " |"
               if ((k, "baseline") in value) line = line " " value[k, "baseline"] " |"
               print line " " value[k, "evsel"] " |" } }' "$out/results.txt"
} >"$out/table.md"
kind="full size"
[ $smoke = 0 ] || kind="smoke"
say "chat attacks ($kind; figures in $out/results.txt)"
cat "$out/table.md"
