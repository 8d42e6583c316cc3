#!/usr/bin/env bash
# chaos/run.sh: the fault suite. Each run (seed) starts PD members and stores as real processes,
# each node in its own network namespace, runs a register workload through the SDK and HTTP while
# faults drawn from the seed strike, heals, and checks the whole history for linearizability.
#
#   chaos/run.sh [--seed N] [--runs K] [--seconds S] [--nemeses partition,kill,pause,loss,slow,latency,disk,io,clock,placement|all] [--out DIR] [--keep]
#   chaos/run.sh --help
#
# Needs root (network namespaces, iptables, tc, tmpfs mounts) and a built checkout
# (./mvnw -q -DskipTests install). Exit code 0: every run passed; 1: a run failed (its folder, with
# the seed, schedule, history and logs, is kept under --out); 2: bad flags or a harness failure;
# 3: not root or a tool missing (nothing was run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ "$(id -u)" != 0 ]]; then
  echo "chaos/run.sh: the fault suite needs root (it makes network namespaces); nothing was run" >&2
  exit 3
fi
for tool in ip iptables tc mount; do
  command -v "$tool" >/dev/null || { echo "chaos/run.sh: '$tool' is missing; nothing was run" >&2; exit 3; }
done
module="$root/chaos/target"
if [[ ! -f "$module/classpath.txt" ]] || ! ls "$module"/ringcache-chaos-*.jar >/dev/null 2>&1; then
  echo "chaos/run.sh: the project is not built; run: (cd $root && ./mvnw -q -DskipTests install)" >&2
  exit 2
fi
jar="$(ls "$module"/ringcache-chaos-*.jar | grep -v -- '-tests.jar' | head -n1)"
prefix="rc$$"
ns="$prefix-client"
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true; for n in $(ip netns list | awk "/^$prefix-/ {print \$1}"); do ip netns del "$n"; done' EXIT
trap 'exit 143' INT TERM
ip -n "$ns" link set lo up
status=0
# shellcheck disable=SC2046
ip netns exec "$ns" java $("$root/bin/jvm-flags") -Xmx768m ${JAVA_OPTS:-} -cp "$jar:$(cat "$module/classpath.txt")" \
  io.ringcache.chaos.app.FaultSuiteMain --client-netns "$ns" --prefix "$prefix" --bin "$root/bin" "$@" || status=$?
exit "$status"
