#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel benchmarks: evsel's echo and chat servers against a raw-epoll and a plain Boost.Asio
# server, measured in one run with the repetitions interleaved across servers, the server
# and the load generator pinned to different cores. Every figure that matters is a ratio to
# raw epoll from the same run, since these machines are noisy. Under Wine, evsel's native
# backend runs against raw WSAPoll and raw WSAEventSelect + WSAWaitForMultipleEvents echo
# servers on the same wineserver, the ratios again from the same run.
#   bench/run.sh                the full matrix (about 17 minutes): table and plot
#   bench/run.sh --smoke        every kind of cell once, briefly (./run.sh test runs this)
# Options:
#   --reps N            repetitions of every cell (default 5; the table shows medians)
#   --duration SECONDS  measurement window of a timed cell (default 2)
#   --no-wine           skip the native backend's cells under Wine
#   --wine-only         only the cells under Wine (no Linux cells, no ratios to Linux, no plot)
#   --build DIR         use this existing Linux build instead of a Release build
#   --wine-build DIR    likewise for the MinGW build
#   --out DIR           where results.txt, table.md and echo.png go (default build/bench)
#   --idle-bench        also run evsel-idle-bench (idle sockets, register/remove costs), on
#                       Linux and, unless --no-wine, under Wine
#   --timer-bench       also run evsel-timer-bench (timers, expiries, idle timeouts), likewise
#                       (--smoke runs it briefly)
#   --wsa-bench         also run evsel-wsa-bench (Winsock through evsel-wsa against evsel on
#                       Linux; the real ws2_32 against evsel's native backend under Wine),
#                       likewise
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build="${EVSEL_BUILD_DIR:-$top/build}"
jobs=$(nproc 2>/dev/null || echo 2)
# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"

reps=5 duration=2 warmup=0.5 smoke=0 wine=1 linux=1 idle_bench=0 timer_bench=0 wsa_bench=0
linux_build="" mingw_build="" out="$build/bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 reps=1 duration=0.3 warmup=0.1 ;;
    --reps) reps=${2:?}; shift ;;
    --duration) duration=${2:?}; shift ;;
    --no-wine) wine=0 ;;
    --wine-only) linux=0 ;;
    --build) linux_build=${2:?}; shift ;;
    --wine-build) mingw_build=${2:?}; shift ;;
    --out) out=${2:?}; shift ;;
    --idle-bench) idle_bench=1 ;;
    --timer-bench) timer_bench=1 ;;
    --wsa-bench) wsa_bench=1 ;;
    *) die "unknown option $1 (see the comment at the top of bench/run.sh)" ;;
  esac
  shift
done
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "--reps wants a whole number of at least 1"
[[ "$duration" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--duration wants seconds"
[ $wine = 1 ] || [ $linux = 1 ] || die "--no-wine and --wine-only leave nothing to measure"

packages=("${linux_packages[@]}" gnuplot-nox)
[ $wine = 1 ] && packages+=("${windows_packages[@]}")
need_packages "${packages[@]}"
mkdir -p "$out"

# --- builds -------------------------------------------------------------------------------
linux_targets=(evsel-echo-server evsel-chat-server evsel-chat-load evsel-bench-load
  evsel-bench-epoll-echo evsel-bench-asio-echo evsel-bench-epoll-chat evsel-idle-bench
  evsel-timer-bench evsel-wsa-bench)
if [ -z "$linux_build" ]; then
  linux_build="$build/bench-linux"
  say "Release build (Linux)"
  # The chat load test lives with the tests.
  cmake -S "$top" -B "$linux_build" -DCMAKE_BUILD_TYPE=Release -DEVSEL_BUILD_TESTS=ON >/dev/null
fi
cmake --build "$linux_build" -j "$jobs" --target "${linux_targets[@]}" >/dev/null
if [ $wine = 1 ]; then
  if [ -z "$mingw_build" ]; then
    mingw_build="$build/bench-mingw"
    say "Release build (MinGW-w64, for Wine)"
    cmake -S "$top" -B "$mingw_build" -DCMAKE_BUILD_TYPE=Release -DEVSEL_BUILD_TESTS=OFF \
      -DCMAKE_TOOLCHAIN_FILE="$top/cmake/toolchains/mingw-w64-x86_64.cmake" >/dev/null
  fi
  mingw_targets=(evsel-echo-server evsel-bench-wsapoll-echo evsel-bench-wsawait-echo)
  [ $idle_bench = 1 ] && mingw_targets+=(evsel-idle-bench)
  [ $timer_bench = 1 ] || [ $smoke = 1 ] && mingw_targets+=(evsel-timer-bench)
  [ $wsa_bench = 1 ] || [ $smoke = 1 ] && mingw_targets+=(evsel-wsa-bench)
  cmake --build "$mingw_build" -j "$jobs" --target "${mingw_targets[@]}" >/dev/null
fi
bin="$linux_build"
load="$bin/bench/loadgen/evsel-bench-load"
chat_load="$bin/tests/chat/load/evsel-chat-load"
declare -A echo_server=(
  [epoll]="$bin/bench/baselines/evsel-bench-epoll-echo"
  [asio]="$bin/bench/baselines/evsel-bench-asio-echo"
  [evsel]="$bin/examples/echo/evsel-echo-server"
  # The same server with every connection under a 30 s idle timeout restarted by its traffic.
  [evsel-idle]="$bin/examples/echo/evsel-echo-server --idle-timeout 30")
# The load generator's clients all come from 127.0.0.1, at once: no per-address limits.
declare -A chat_server=(
  [epoll]="$bin/bench/baselines/evsel-bench-epoll-chat"
  [evsel]="$bin/examples/chat/server/evsel-chat-server --quiet --max-per-address 0 --max-connect-rate 0")

# --- pinning, servers, one measurement ----------------------------------------------------
# The server gets the last core and the load generator the one before it; on one core they
# share it (the figures are then only good for comparing servers with each other).
cores=$(nproc 2>/dev/null || echo 1)
if [ "$cores" -ge 2 ]; then
  pin_server=(taskset -c $((cores - 1)))
  pin_load=(taskset -c $((cores - 2)))
else
  pin_server=() pin_load=()
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

port=$((21000 + $$ % 4000))
server_pid=""
results="$out/results.txt"
: >"$results"

listening() {  # <port>: some socket listens on it (IPv4 or IPv6)
  local hex
  hex=$(printf '%04X' "$1")
  grep -qE "^ *[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:[0-9A-F]+ 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

start_server() {  # <log> <command...>: starts it on $port, pinned, and waits until it listens
  local log=$1
  shift
  "${pin_server[@]}" "$@" --listen "127.0.0.1:$port" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 200); do
    listening "$port" && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  cat "$log" >&2
  die "the server did not start listening on port $port: $*"
}

stop_server() {  # <log> <expect exit 0: 1|0>
  local log=$1 strict=$2 status=0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" || status=$?
  if [ "$strict" = 1 ] && [ $status -ne 0 ]; then
    cat "$log" >&2
    die "the server exited with status $status after SIGTERM (expected 0)"
  fi
}

# Runs one cell once: <kind> <cell> <server name> <server command> <strict exit> <load...>.
# The load command's result line is kept, tagged; a failed check ends the whole run.
measure() {
  local kind=$1 cell=$2 name=$3 command=$4 strict=$5
  shift 5
  port=$((port + 1))
  local log="$out/server.log" line status=0 busy_from=""
  # shellcheck disable=SC2086  # the command is a path plus fixed options, split on purpose
  start_server "$log" $command
  [ -z "$wineserver_pid" ] || busy_from=$(cpu_and_clock "$wineserver_pid")
  line=$("${pin_load[@]}" "$@" --server-pid "$server_pid" 2>"$out/load.log" |
    grep '^result ') || status=$?
  [ -z "$busy_from" ] || line="$line wineserver_busy=$(busy_since "$wineserver_pid" "$busy_from")"
  stop_server "$log" "$strict"
  if [ $status -ne 0 ] || [ -z "$line" ]; then
    cat "$out/load.log" >&2
    die "$kind $cell against $name failed: $*"
  fi
  printf '%s %s %s %s\n' "$kind" "$cell" "$name" "${line#result }" >>"$results"
  printf '  %-9s %-12s %-6s %s\n' "$kind" "$cell" "$name" \
    "$(field ops_per_s "$line")$(field deliveries_per_s "$line") per s"
}

# Under Wine every network call and wait is a request to the wineserver, one process for
# all, so its CPU time over a load run says how close it came to being the bottleneck.
wineserver_pid=""
cpu_and_clock() {  # <pid>: its CPU seconds (user + system) and the time, both in seconds
  local ticks
  ticks=$(sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }')
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v now="$(date +%s.%N)" \
    'BEGIN { printf "%.3f %.3f", t / hz, now }'
}
busy_since() {  # <pid> <cpu_and_clock from before>: CPU seconds over wall seconds since then
  local now
  now=$(cpu_and_clock "$1")
  awk -v a="$2" -v b="$now" 'BEGIN { split(a, x, " "); split(b, y, " ")
    printf "%.2f", (y[1] - x[1]) / (y[2] - x[2]) }'
}

field() {  # <key> <result line>: the value, or nothing
  sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"
}

# Every repetition runs every server on a cell before the next cell, in an order that turns
# with the repetition, so that a slow minute hurts all servers alike.
rotate() {  # <rep> <names...>
  local rep=$1
  shift
  local names=("$@") n=$#
  for ((i = 0; i < n; i++)); do printf '%s ' "${names[$(((i + rep) % n))]}"; done
}

# --- the matrix ---------------------------------------------------------------------------
if [ $smoke = 1 ]; then
  echo_cells=("64 1" "64 100" "16384 100")
  pingpong_cells=(1)
  chat_cells=("100 10 4")
  idle_connections=1000
else
  echo_cells=("64 1" "64 100" "64 1000" "64 10000" "16384 1" "16384 100" "16384 1000" "16384 10000")
  pingpong_cells=(1 100)
  chat_cells=("100 100 4" "1000 5 2")  # clients, lines each, window
  idle_connections=10000
fi
timing=(--duration "$duration" --warmup "$warmup")

# Messages in flight per connection: deep for small messages; for 16 KiB kept to what the
# kernel buffers hold without the load generator measuring its own queueing.
echo_depth() {  # <size> <connections>
  if [ "$1" -le 1024 ]; then echo 16; elif [ "$2" -le 100 ]; then echo 4; else echo 1; fi
}

say "Matrix: $reps repetition(s), ${duration} s windows, results in $results"
for ((rep = 0; rep < reps * linux; rep++)); do
  echo "repetition $((rep + 1)) of $reps"
  for cell in "${echo_cells[@]}"; do
    read -r size conns <<<"$cell"
    for name in $(rotate "$rep" epoll asio evsel evsel-idle); do
      measure echo "$size/$conns" "$name" "${echo_server[$name]}" 1 \
        "$load" echo --connect "127.0.0.1:$((port + 1))" --connections "$conns" \
        --size "$size" --depth "$(echo_depth "$size" "$conns")" "${timing[@]}"
    done
  done
  for conns in "${pingpong_cells[@]}"; do
    for name in $(rotate "$rep" epoll asio evsel); do
      measure pingpong "64/$conns" "$name" "${echo_server[$name]}" 1 \
        "$load" pingpong --connect "127.0.0.1:$((port + 1))" --connections "$conns" \
        --size 64 "${timing[@]}"
    done
  done
  for name in $(rotate "$rep" epoll asio evsel); do
    measure connect "16" "$name" "${echo_server[$name]}" 1 \
      "$load" connect --connect "127.0.0.1:$((port + 1))" --concurrency 16 --size 16 \
      "${timing[@]}"
  done
  for cell in "${chat_cells[@]}"; do
    read -r clients lines window <<<"$cell"
    for name in $(rotate "$rep" epoll evsel); do
      measure chat "$clients" "$name" "${chat_server[$name]}" 1 \
        "$chat_load" --server "127.0.0.1:$((port + 1))" --clients "$clients" \
        --messages "$lines" --payload 32 --window "$window" --timeout 120
    done
  done
  for name in $(rotate "$rep" epoll asio evsel); do
    measure idle "$idle_connections" "$name" "${echo_server[$name]}" 1 \
      "$load" idle --connect "127.0.0.1:$((port + 1))" --connections "$idle_connections"
  done
done

# Under Wine, evsel's echo server against two raw Winsock servers on the same wineserver:
# WSAPoll over all connections, and WSAEventSelect + WSAWaitForMultipleEvents with one event
# per socket, which one wait limits to 64 events: that server takes at most 63 connections
# (it closes further ones), so the cells beyond that run without it.
wsawait_max=63
wine_names=(evsel-wine wsapoll-wine wsawait-wine)
if [ $smoke = 1 ]; then
  wine_echo_cells=("64 63")
  wine_pingpong_cells=()
else
  wine_echo_cells=("64 1" "64 63" "64 100" "16384 63" "16384 100")
  wine_pingpong_cells=(1)
fi
wine_servers_for() {  # <connections>: the servers under Wine that take that many
  local name
  for name in "${wine_names[@]}"; do
    [ "$name" = wsawait-wine ] && [ "$1" -gt $wsawait_max ] && continue
    printf '%s ' "$name"
  done
}

if [ $wine = 1 ]; then
  say "Native backend under Wine against raw WSAPoll and raw WSAWaitForMultipleEvents (informational, no target: Wine is not Windows)"
  wine_start "$build"
  trap wine_stop EXIT
  wine_version=$(wine --version 2>/dev/null || echo "Wine")
  declare -A wine_server=(
    [evsel-wine]="wine $mingw_build/examples/echo/evsel-echo-server.exe"
    [wsapoll-wine]="wine $mingw_build/bench/baselines/evsel-bench-wsapoll-echo.exe"
    [wsawait-wine]="wine $mingw_build/bench/baselines/evsel-bench-wsawait-echo.exe")
  # This prefix's wineserver works in a directory named after the prefix's device and inode.
  read -r prefix_dev prefix_inode < <(stat -c '%d %i' "$WINEPREFIX")
  server_dir=$(printf 'server-%x-%x' "$prefix_dev" "$prefix_inode")
  for pid in $(pgrep -x 'wineserver(64)?' || true); do
    [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == */"$server_dir" ]] && wineserver_pid=$pid
  done
  if [ -z "$wineserver_pid" ]; then
    echo "  (this prefix's wineserver not found: no wineserver_busy, and it is not pinned)"
  elif [ "$cores" -ge 2 ]; then
    # The wineserver does the kernel's part of every Winsock call: it shares the server's
    # core, as the kernel's socket work does on Linux. Left to float, it ran on either core
    # from run to run and the same server's rate moved by a factor of 2 to 3.
    taskset -a -p -c $((cores - 1)) "$wineserver_pid" >/dev/null
  fi
  for ((rep = 0; rep < reps; rep++)); do
    echo "repetition $((rep + 1)) of $reps (Wine)"
    for cell in "${wine_echo_cells[@]}"; do
      read -r size conns <<<"$cell"
      # Under Wine, SIGTERM ends the process without its handler: its exit status is not 0.
      # shellcheck disable=SC2046  # server names, split on purpose
      for name in $(rotate "$rep" $(wine_servers_for "$conns")); do
        measure wine-echo "$size/$conns" "$name" "${wine_server[$name]}" 0 \
          "$load" echo --connect "127.0.0.1:$((port + 1))" --connections "$conns" \
          --size "$size" --depth "$(echo_depth "$size" "$conns")" "${timing[@]}"
      done
    done
    for conns in "${wine_pingpong_cells[@]}"; do
      # shellcheck disable=SC2046
      for name in $(rotate "$rep" $(wine_servers_for "$conns")); do
        measure wine-pingpong "64/$conns" "$name" "${wine_server[$name]}" 0 \
          "$load" pingpong --connect "127.0.0.1:$((port + 1))" --connections "$conns" \
          --size 64 "${timing[@]}"
      done
    done
  done
  wineserver_pid=""
  wine_stop
  trap - EXIT
fi

# --- the table ----------------------------------------------------------------------------
median() {  # numbers on stdin
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
stat() {  # <kind> <cell> <server> <key>: the median over the repetitions
  awk -v k="$1" -v c="$2" -v s="$3" '$1 == k && $2 == c && $3 == s' "$results" |
    while read -r line; do field "$4" "$line"; done | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
number() {  # <decimals>, a number on stdin: rounded, or "—" when there is none (nan)
  awk -v d="$1" '{ if ($1 == "nan" || $1 == "") print "—"; else printf "%.*f\n", d, $1 }'
}
micro() {  # microseconds on stdin: "850 µs" or "72.9 ms"
  awk '{ if ($1 == "nan" || $1 == "") print "—"; else if ($1 < 1000) printf "%.0f µs\n", $1
    else printf "%.1f ms\n", $1 / 1000 }'
}
check() {  # <value> <op> <limit>: ok / MISSED
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (v == "n/a" || v == "nan") { print "n/a"; exit }
    pass = (op == ">=") ? (v + 0 >= l + 0) : (v + 0 <= l + 0)
    print pass ? "ok" : "MISSED" }'
}

table="$out/table.md"
{
  if [ $smoke = 1 ]; then
    echo "SMOKE RUN: one repetition of ${duration} s windows, possibly on a Debug build: the"
    echo "figures say nothing about speed, only that every program ran and every byte came back."
    echo
  fi
  if [ $linux = 1 ]; then
    echo "Medians of $reps repetition(s); ratios are to raw epoll in the same run."
    echo "Throughput in operations per second (echo: messages; ping-pong: round trips;"
    echo "connect: connections; chat: deliveries). CPU: server CPU time per operation."
    echo
    echo "Load gen busy: the load generator's CPU time over the window in the raw-epoll runs; near"
    echo "1.00 the cell measures the load generator as much as the server (compare CPU/op there)."
    echo
    echo "| cell | raw epoll /s | Asio ratio | evsel ratio | evsel/Asio | evsel CPU/op ratio | evsel p99 ratio | load gen busy | targets |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
    for kind in echo pingpong connect; do
      case $kind in
        echo) cells=("${echo_cells[@]}") ;;
        pingpong) cells=("${pingpong_cells[@]/#/64 }") ;;
        connect) cells=("16 ") ;;
      esac
      for cell in "${cells[@]}"; do
        read -r size conns <<<"$cell"
        key="$size/$conns"
        [ "$kind" = connect ] && key=16
        e=$(stat "$kind" "$key" epoll ops_per_s)
        a=$(stat "$kind" "$key" asio ops_per_s)
        v=$(stat "$kind" "$key" evsel ops_per_s)
        vr=$(ratio "$v" "$e")
        va=$(ratio "$v" "$a")
        cpu=$(ratio "$(stat "$kind" "$key" evsel server_cpu_us_per_op)" \
          "$(stat "$kind" "$key" epoll server_cpu_us_per_op)")
        p99=$(ratio "$(stat "$kind" "$key" evsel p99_us)" "$(stat "$kind" "$key" epoll p99_us)")
        busy=$(ratio "$(stat "$kind" "$key" epoll client_cpu_s)" "$(stat "$kind" "$key" epoll seconds)")
        marks="vs Asio $(check "$va" '>=' 1.0)"
        case $kind in
          echo) marks="thr $(check "$vr" '>=' 0.90), cpu $(check "$cpu" '<=' 1.15), $marks" ;;
          pingpong) marks="thr $(check "$vr" '>=' 0.90), p99 $(check "$p99" '<=' 1.3), $marks" ;;
        esac
        printf '| %s %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n' "$kind" "$key" "$e" \
          "$(ratio "$a" "$e")" "$vr" "$va" "$cpu" "$p99" "$busy" "$marks"
      done
    done
    for cell in "${chat_cells[@]}"; do
      read -r clients _ <<<"$cell"
      e=$(stat chat "$clients" epoll deliveries_per_s)
      v=$(stat chat "$clients" evsel deliveries_per_s)
      cpu=$(ratio "$(stat chat "$clients" evsel server_cpu_us_per_delivery)" \
        "$(stat chat "$clients" epoll server_cpu_us_per_delivery)")
      p99=$(ratio "$(stat chat "$clients" evsel p99_us)" "$(stat chat "$clients" epoll p99_us)")
      printf '| chat %s clients | %.0f | | %s | | %s | %s | | no loss or reordering: ok, p99 %s |\n' \
        "$clients" "$e" "$(ratio "$v" "$e")" "$cpu" "$p99" "$(check "$p99" '<=' 1.5)"
    done
    echo
    echo "Echo with every connection under a 30 s idle timeout restarted by its traffic, against the"
    echo "same evsel server without timeouts in the same run:"
    echo
    echo "| cell | throughput ratio | server CPU/message ratio | target |"
    echo "|---|---:|---:|---|"
    for cell in "${echo_cells[@]}"; do
      read -r size conns <<<"$cell"
      key="$size/$conns"
      cpu=$(ratio "$(stat echo "$key" evsel-idle server_cpu_us_per_op)" \
        "$(stat echo "$key" evsel server_cpu_us_per_op)")
      printf '| echo %s | %s | %s | cpu <= 1.05: %s |\n' "$key" \
        "$(ratio "$(stat echo "$key" evsel-idle ops_per_s)" "$(stat echo "$key" evsel ops_per_s)")" \
        "$cpu" "$(check "$cpu" '<=' 1.05)"
    done
    echo
    echo "Server memory per idle connection at $idle_connections connections (RSS growth / connections):"
    echo
    echo "| server | bytes per connection | target |"
    echo "|---|---:|---|"
    for name in epoll asio evsel; do
      b=$(stat idle "$idle_connections" "$name" server_rss_per_conn_bytes)
      t=""
      [ "$name" = evsel ] && t="<= 1024: $(check "$b" '<=' 1024)"
      printf '| %s | %.0f | %s |\n' "$name" "$b" "$t"
    done
  fi
  if [ $wine = 1 ]; then
    echo
    echo "Native backend under $wine_version (informational; Wine's wait threads and wineserver are"
    echo "not Windows): evsel's echo server against raw WSAPoll and raw WSAEventSelect +"
    echo "WSAWaitForMultipleEvents echo servers (at most $wsawait_max connections), all under the same"
    echo "Wine in the same run. Wineserver busy: its CPU time over the load run's wall time."
    echo
    echo "| cell | evsel /s | raw WSAPoll /s | raw WSAWait /s | evsel/WSAPoll | evsel/WSAWait | p99 evsel | p99 WSAPoll | p99 WSAWait | wineserver busy (evsel, WSAPoll, WSAWait) | evsel: Wine/Linux | WSAPoll under Wine / raw epoll |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for kind in echo pingpong; do
      case $kind in
        echo) cells=("${wine_echo_cells[@]}") ;;
        pingpong) cells=("${wine_pingpong_cells[@]/#/64 }") ;;
      esac
      for cell in "${cells[@]}"; do
        read -r size conns <<<"$cell"
        key="$size/$conns"
        declare -A rate=() p99=() busy=()
        for name in "${wine_names[@]}"; do
          rate[$name]=$(stat "wine-$kind" "$key" "$name" ops_per_s)
          p99[$name]=$(stat "wine-$kind" "$key" "$name" p99_us | micro)
          busy[$name]=$(stat "wine-$kind" "$key" "$name" wineserver_busy | number 2)
        done
        # Only the cells the Linux matrix has too (not the 63-connection ones): how much of
        # the distance to Linux the raw Winsock server covers says what is Wine's.
        linux_ratio="—" raw_ratio="—"
        linux_rate=$(stat "$kind" "$key" evsel ops_per_s)
        [ "$linux_rate" = nan ] || linux_ratio=$(ratio "${rate[evsel-wine]}" "$linux_rate")
        linux_rate=$(stat "$kind" "$key" epoll ops_per_s)
        [ "$linux_rate" = nan ] || raw_ratio=$(ratio "${rate[wsapoll-wine]}" "$linux_rate")
        wsawait_ratio="—"  # none beyond its 63 connections
        [ "${rate[wsawait-wine]}" = nan ] ||
          wsawait_ratio=$(ratio "${rate[evsel-wine]}" "${rate[wsawait-wine]}")
        printf '| %s %s | %s | %s | %s | %s | %s | %s | %s | %s | %s, %s, %s | %s | %s |\n' "$kind" "$key" \
          "$(number 0 <<<"${rate[evsel-wine]}")" "$(number 0 <<<"${rate[wsapoll-wine]}")" \
          "$(number 0 <<<"${rate[wsawait-wine]}")" \
          "$(ratio "${rate[evsel-wine]}" "${rate[wsapoll-wine]}")" \
          "$wsawait_ratio" \
          "${p99[evsel-wine]}" "${p99[wsapoll-wine]}" "${p99[wsawait-wine]}" \
          "${busy[evsel-wine]}" "${busy[wsapoll-wine]}" "${busy[wsawait-wine]}" "$linux_ratio" \
          "$raw_ratio"
      done
    done
  fi
} >"$table"

# --- the plot: echo throughput against connections, every server --------------------------
plot_data="$out/echo.dat"
if [ $linux = 1 ]; then
  {
    echo "# size connections epoll asio evsel (messages per second, medians)"
    for cell in "${echo_cells[@]}"; do
      read -r size conns <<<"$cell"
      printf '%s %s %s %s %s\n' "$size" "$conns" "$(stat echo "$size/$conns" epoll ops_per_s)" \
        "$(stat echo "$size/$conns" asio ops_per_s)" "$(stat echo "$size/$conns" evsel ops_per_s)"
    done
  } >"$plot_data"
  gnuplot <<EOF
set terminal pngcairo size 1100,450 font ",10"
set output "$out/echo.png"
set multiplot layout 1,2 title "Echo throughput against connections (medians of $reps; loopback, server on one core)"
set logscale x
set xlabel "connections"
set ylabel "messages per second"
set key bottom left
set grid
set yrange [0:*]
do for [size in "64 16384"] {
  set title sprintf("%s-byte messages", size)
  plot "$plot_data" using (\$1 == size + 0 ? \$2 : 1/0):3 with linespoints title "raw epoll", \
       "" using (\$1 == size + 0 ? \$2 : 1/0):4 with linespoints title "plain Asio", \
       "" using (\$1 == size + 0 ? \$2 : 1/0):5 with linespoints title "evsel (Asio backend)"
}
unset multiplot
EOF
fi

# An in-process benchmark (it prints its own ratios), on Linux and under Wine:
#   in_process NAME "WHAT" "LINUX ARGS" "WINE ARGS"
in_process() {
  local name=$1 what=$2 linux_args=$3 wine_args=$4
  : >"$out/$name.txt"
  if [ $linux = 1 ]; then
    say "$what (evsel-$name), Linux"
    # shellcheck disable=SC2086 # the arguments are words
    "${pin_server[@]}" "$bin/bench/evsel-$name" $linux_args | tee "$out/$name.txt"
  fi
  if [ $wine = 1 ]; then
    say "$what (evsel-$name), native backend under Wine"
    wine_start "$build"
    trap wine_stop EXIT
    # shellcheck disable=SC2086
    wine "$mingw_build/bench/evsel-$name.exe" $wine_args | tr -d '\r' | tee -a "$out/$name.txt"
    wine_stop
    trap - EXIT
  fi
}
if [ $idle_bench = 1 ]; then
  in_process idle-bench "Idle sockets" "--trips 20000 --repetitions 7" "--trips 3000 --repetitions 3"
fi
if [ $smoke = 1 ]; then
  in_process timer-bench "Timers, deadlines, idle timeouts" \
    "--cycles 200 --repetitions 1 --seconds 1" "--cycles 100 --repetitions 1 --seconds 1"
elif [ $timer_bench = 1 ]; then
  in_process timer-bench "Timers, deadlines, idle timeouts" \
    "--cycles 20000 --repetitions 7 --seconds 3" "--cycles 2000 --repetitions 3 --seconds 3"
fi
if [ $smoke = 1 ]; then
  in_process wsa-bench "Winsock on evsel-wsa and evsel" "--rounds 200 --repetitions 1" \
    "--rounds 100 --repetitions 1"
elif [ $wsa_bench = 1 ]; then
  in_process wsa-bench "Winsock on evsel-wsa and evsel" "--rounds 20000 --repetitions 7" \
    "--rounds 2000 --repetitions 3"
fi

say "Results"
cat "$table"
printf '\ntable: %s\n' "$table"
[ $linux = 0 ] || printf 'plot:  %s\n' "$out/echo.png"
printf 'raw:   %s\n' "$results"
