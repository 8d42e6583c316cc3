#!/usr/bin/env bash
# resp-read-through.sh: the eviction workload through the Redis protocol, ringcache against a real
# Redis with the same policy and the same number of keys held, one fresh server per run, in the
# order given (A B A B: name each policy twice).
#
#   bench/resp-read-through.sh allkeys-lru allkeys-lfu allkeys-lru allkeys-lfu
#
# Each policy: a fresh bin/ringcache-local cluster set up as bench/cache-policies.sh does (4 shards,
# splits at 2 MiB, three stores of -maxmemory 24MiB, the policy), then RespReadThrough over the
# three stores' RESP ports; then a fresh redis-server (persistence off) given the memory of 21,000
# keys of this shape (what the cluster holds) and the policy, then the same RespReadThrough. The
# workload: 84,000 Zipfian keys of 1,000 bytes, GET and on a miss SET, 16 connections x 16
# pipelined, 60 s. Needs a built tree (./mvnw -q -DskipTests install), redis-server.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v redis-server >/dev/null || { echo "resp-read-through: needs redis-server" >&2; exit 2; }
work="${RINGCACHE_BENCH_DIR:-/tmp/ringcache-resp-read-through}"
mkdir -p "$work"
load="records=84000 value=1000 dist=zipfian connections=16 pipeline=16 seconds=${RINGCACHE_BENCH_SECONDS:-60}"
redis_pid=""
cleanup() {
  [[ -n "$redis_pid" ]] && kill "$redis_pid" 2>/dev/null || true
  bin/ringcache-local stop --purge >/dev/null 2>&1 || true
}
trap cleanup EXIT
i=0
for policy in "$@"; do
  i=$((i + 1))
  base=$((19000 + i * 100))
  export RINGCACHE_LOCAL_DIR="$work/cluster$i" RINGCACHE_LOCAL_BASE_PORT=$base RINGCACHE_LOCAL_SHARDS=4
  export RINGCACHE_LOCAL_STORE_OPTS="-shard_memory_mb 4 -maxmemory 24MiB -maxmemory_policy $policy"
  export RINGCACHE_LOCAL_PD_OPTS="-split_size 2MiB"
  echo "=== round $i: ringcache $policy $(date -u +%H:%M:%S)"
  bin/ringcache-local start > "$work/start$i.txt" 2>&1 || { echo "start failed: $work/start$i.txt"; bin/ringcache-local stop --purge; continue; }
  # shellcheck disable=SC2086
  java $(bin/jvm-flags) -Xmx512m -jar bench/target/benchmarks.jar RespReadThrough \
      targets=127.0.0.1:$((base + 51)),127.0.0.1:$((base + 52)),127.0.0.1:$((base + 53)) $load
  http=$(grep "^HTTP_PORT=" "$RINGCACHE_LOCAL_DIR/cluster.env" | cut -d= -f2)
  for n in 0 1 2; do
    curl -s "127.0.0.1:$((http + n))/metrics" | grep -a -E "^ringcache_evicted_keys_total|^ringcache_store_memory_used_bytes " || true
  done
  bin/ringcache-local stop --purge > /dev/null 2>&1
  echo "=== round $i: redis $policy $(date -u +%H:%M:%S)"
  port=$((base + 99))
  redis-server --port "$port" --save "" --appendonly no --bind 127.0.0.1 > "$work/redis$i.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  # shellcheck disable=SC2086
  java $(bin/jvm-flags) -Xmx512m -jar bench/target/benchmarks.jar RespReadThrough \
      targets=127.0.0.1:$port redis_fits=21000 redis_policy="$policy" $load
  redis-cli -p "$port" info stats | grep -E "^evicted_keys|^keyspace_(hits|misses)" || true
  kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; redis_pid=""
done
