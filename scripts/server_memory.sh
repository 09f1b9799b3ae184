#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel: one sample of a server's memory, for the chat tests and benchmarks (Linux only).
#   scripts/server_memory.sh PID PORT
# Prints "rss_kib kernel_bytes tcp_bytes": the process's resident memory (VmRSS), the kernel
# memory held by the sockets on PORT (skmem r + f + w, from ss), and the machine's TCP
# memory (/proc/net/sockstat, "TCP ... mem" pages). Exit status 1 once the process is gone.
set -euo pipefail
pid=${1:?pid} port=${2:?port}
rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null) || true
[ -n "$rss" ] || exit 1
kernel=$(ss -tmnH state all "( sport = :$port )" 2>/dev/null |
  sed -n 's/.*skmem:(r\([0-9]*\),rb[0-9]*,t[0-9]*,tb[0-9]*,f\([0-9]*\),w\([0-9]*\).*/\1 \2 \3/p' |
  awk '{ sum += $1 + $2 + $3 } END { print sum + 0 }')
tcp=$(awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "mem") print $(i + 1) * 4096 }' \
  /proc/net/sockstat)
echo "$rss $kernel ${tcp:-0}"
