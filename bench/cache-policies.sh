#!/usr/bin/env bash
# cache-policies.sh: hit ratio and reads/s of a read-through cache through the SDK, one fresh local
# cluster per eviction policy named, in the order given (A B A B: name each policy twice).
#
#   bench/cache-policies.sh allkeys-lru allkeys-lfu allkeys-lru allkeys-lfu
#
# Each round: bin/ringcache-local with 4 shards, splits at 2 MiB, three stores of -maxmemory 24MiB
# (six 4 MiB replicas each) and the policy; then SdkLoad workload=c through=true (a read that
# misses writes the value) over 84,000 Zipfian keys of 1,000 bytes, four times what fits, for 90 s;
# then each store's evicted keys from /metrics. Needs a built tree (./mvnw -q -DskipTests install).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="${RINGCACHE_BENCH_DIR:-/tmp/ringcache-cache-policies}"
i=0
for policy in "$@"; do
  i=$((i + 1))
  export RINGCACHE_LOCAL_DIR="$work/cluster$i" RINGCACHE_LOCAL_BASE_PORT=$((19000 + i * 100)) RINGCACHE_LOCAL_SHARDS=4
  export RINGCACHE_LOCAL_STORE_OPTS="-shard_memory_mb 4 -maxmemory 24MiB -maxmemory_policy $policy"
  export RINGCACHE_LOCAL_PD_OPTS="-split_size 2MiB"
  echo "=== round $i: $policy $(date -u +%H:%M:%S)"
  bin/ringcache-local start > "$work-start$i.txt" 2>&1 || { echo "start failed: $work-start$i.txt"; bin/ringcache-local stop --purge; continue; }
  java $(bin/jvm-flags) -Xmx512m -jar bench/target/benchmarks.jar SdkLoad pd=127.0.0.1:$RINGCACHE_LOCAL_BASE_PORT \
      workload=c through=true load=false records=84000 value=1000 seconds=90 warmup=0 dist=zipfian threads=4 \
      inflight=128 progress=30 2>&1 | grep -E "== workload|hit ratio"
  http=$(grep "^HTTP_PORT=" "$RINGCACHE_LOCAL_DIR/cluster.env" | cut -d= -f2)
  for n in 0 1 2; do
    curl -s "127.0.0.1:$((http + n))/metrics" | grep -a -E "^ringcache_evicted_keys_total|^ringcache_store_memory_used_bytes " || true
  done
  bin/ringcache-local stop --purge > /dev/null 2>&1
done
