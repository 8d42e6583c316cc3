#!/usr/bin/env bash
# hot-key.sh: reads/s when one key takes half the reads, per round READ:RELIEF on one local
# cluster (defaults), in the order given:
#
#   bench/hot-key.sh stale:near stale:none stale:near stale:none
#   bench/hot-key.sh linearizable:follower linearizable:none
#
# READ is SdkLoad's read= (linearizable, follower or stale; stale reads allow 1 s), RELIEF its
# hot_relief= (near: the SDK's default hot-key near cache; follower: also linearizable reads of
# hot keys from any replica; none). Loads 10,000 keys of 100 bytes, then per round SdkLoad
# workload=c hot_share=0.5 for 30 s after 5 s of warm-up. Needs a built tree
# (./mvnw -q -DskipTests install).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
for round in "$@"; do
  [[ "$round" =~ ^(linearizable|follower|stale):(near|follower|none)$ ]] \
      || { echo "hot-key.sh: a round is READ:RELIEF (linearizable|follower|stale : near|follower|none), not '$round'" >&2; exit 2; }
done
export RINGCACHE_LOCAL_DIR="${RINGCACHE_BENCH_DIR:-/tmp/ringcache-hot-key}" RINGCACHE_LOCAL_BASE_PORT=19900
bin/ringcache-local start > "$RINGCACHE_LOCAL_DIR.start.txt" 2>&1 || { echo "start failed: $RINGCACHE_LOCAL_DIR.start.txt"; exit 1; }
trap 'bin/ringcache-local stop --purge > /dev/null 2>&1' EXIT
pd=127.0.0.1:19900
java $(bin/jvm-flags) -Xmx512m -jar bench/target/benchmarks.jar SdkLoad pd=$pd workload=c records=10000 batch=500 \
    seconds=1 warmup=0 load=true 2>&1 | grep -E "load:.*written"
for round in "$@"; do
  read="${round%%:*}" relief="${round##*:}"
  echo "=== read=$read hot_relief=$relief $(date -u +%H:%M:%S)"
  java $(bin/jvm-flags) -Xmx512m -jar bench/target/benchmarks.jar SdkLoad pd=$pd workload=c records=10000 load=false \
      read="$read" staleness=1000 hot_share=0.5 hot_relief="$relief" seconds=30 warmup=5 threads=4 inflight=128 \
      progress=30 2>&1 | grep -E "== workload|^read "
done
