#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# evsel: runs the [netns] conformance cases in a network namespace made for them, where
# nftables answers 127.0.0.2:9 with ICMP host unreachable, drops everything to 127.0.0.3:9
# (a black hole, where a deadline must come before the kernel gives up: C58),
# and drops every packet to and from 127.0.0.4 once a connection's handshake is done (a peer
# that vanishes, for keep-alive); the kernel gives up a connect after one SYN retry. Nothing
# leaves the namespace. Environment (set by CTest): EVSEL_CONFORMANCE, the test program;
# EVSEL_RUNNER, how to start it ("wine" for the Windows build).
set -euo pipefail
read -r -a runner <<<"${EVSEL_RUNNER:-}"
program=${EVSEL_CONFORMANCE:?}
if [ -z "${EVSEL_IN_NETNS:-}" ]; then
  if [ "${#runner[@]}" -gt 0 ]; then
    echo "skipped: under Wine the sockets are wineserver's, outside this namespace"
    exit 77
  fi
  for tool in unshare ip nft; do
    command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
  done
  unshare -n true 2>/dev/null ||
    { echo "skipped: cannot create a network namespace here (needs root)"; exit 77; }
  exec unshare -n env EVSEL_IN_NETNS=1 bash "$0"
fi
ip link set lo up
echo 1 >/proc/sys/net/ipv4/tcp_syn_retries
# 127.0.0.4: conntrack counts each connection's packets (the ct packets expression turns the
# counting on); in the original direction the handshake is SYN and ACK, in the reply
# direction SYN-ACK. Later ones, keep-alive probes included, are dropped on arrival.
nft -f - <<'RULES'
table inet evsel_faults {
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr 127.0.0.2 tcp dport 9 reject with icmp type host-unreachable
    ip daddr 127.0.0.3 tcp dport 9 drop
  }
  chain in {
    type filter hook input priority 0; policy accept;
    ip daddr 127.0.0.4 ct original packets > 2 drop
    ip saddr 127.0.0.4 ct reply packets > 1 drop
  }
}
RULES
exec "$program" "[netns]"
