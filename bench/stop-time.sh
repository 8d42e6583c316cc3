#!/usr/bin/env bash
# stop-time.sh: how long one store takes to stop gracefully (SIGTERM) when it hosts many shards.
#
#   bench/stop-time.sh [ROOT] [SHARDS]    ROOT: a built checkout (default this one); SHARDS default 64
#
# Starts a fresh `ROOT/bin/ringcache-local` cluster with SHARDS shards, waits until a /set through
# node1 answers and 20 s more, sends SIGTERM to node1 alone and prints the seconds until its
# process exits, the shards it led, and the span of its "leadership handed" log lines. JAVA_OPTS
# passes to the stores (e.g. -Dringcache.ratis.raft.server.threadpool.proxy.size=4). Stops and
# deletes the cluster afterwards.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="${1:-$here}" shards="${2:-64}"
base="${RINGCACHE_BENCH_BASE_PORT:-26000}"
dir="$(mktemp -d /tmp/stop-time.XXXXXX)"
export RINGCACHE_LOCAL_DIR="$dir/cluster" RINGCACHE_LOCAL_BASE_PORT="$base" RINGCACHE_LOCAL_SHARDS="$shards"
cleanup() { "$root/bin/ringcache-local" stop --purge >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
. "$here/bench/lib.sh"
bench_fresh_cluster "$root" "http://127.0.0.1:$((base + 11))"
sleep 20
pid="$(cat "$RINGCACHE_LOCAL_DIR/node1.pid")"
led="$(curl -fsS "http://127.0.0.1:$((base + 11))/metrics" | grep -c '^ringcache_shard_leader.* 1\.0' || true)"
t0="$(date +%s%N)"
kill -TERM "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
t1="$(date +%s%N)"
span="$(grep 'leadership handed' "$RINGCACHE_LOCAL_DIR/node1.log" | sed -nE '1s/^([^ ]+) .*/\1/p; $s/^([^ ]+) .*/\1/p' | paste -sd ' ')"
awk -v t="$(( (t1 - t0) / 1000000 ))" -v led="$led" -v span="$span" -v rev="$(bench_rev "$root")" \
  'BEGIN { printf "%s: node1 led %d shards, stopped in %.1f s; hand-offs logged %s\n", rev, led, t / 1000, span }'
