#!/usr/bin/env bash
# sdk-rounds.sh: the Java SDK's throughput on fresh clusters of one or more checkouts, A B A B
# (for "no regression" checks across a refactor).
#
#   bench/sdk-rounds.sh ROOT [ROOT ...]   one round per ROOT, in the order given; give two
#                                          checkouts twice to compare them in one run. Prints a
#                                          markdown table; raw output in bench/results/sdk-rounds-<UTC>/
#
# Each round: a fresh `ROOT/bin/ringcache-local` cluster (PD + 3 stores, 4 shards), then ROOT's own
# benchmarks.jar SdkLoad at 256 in flight: a load phase of 100,000 keys (putAll, 100-byte values),
# then workloads w (updates only), c (linearizable reads only) and a (50/50), Zipfian keys,
# RINGCACHE_BENCH_SECONDS (default 8) measured after 5 s of warm-up each. Each ROOT must be built
# (its bench/target/benchmarks.jar and launchers' jars).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(( $# )) || { echo "usage: sdk-rounds.sh ROOT [ROOT ...]" >&2; exit 2; }
base="${RINGCACHE_BENCH_BASE_PORT:-26000}"
seconds="${RINGCACHE_BENCH_SECONDS:-8}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$here/bench/results/sdk-rounds-$stamp"
mkdir -p "$out"
dir="$(mktemp -d /tmp/sdk-rounds.XXXXXX)"
export RINGCACHE_LOCAL_DIR="$dir/cluster" RINGCACHE_LOCAL_BASE_PORT="$base" RINGCACHE_LOCAL_SHARDS=4
current=""
cleanup() { [[ -n "$current" ]] && "$current/bin/ringcache-local" stop --purge >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
. "$here/bench/lib.sh"
jvm_flags="$(bench_jvm_flags "$here")"
p99() { awk '/^all / { print $6 }' "$1"; }

echo "| round | checkout | writes (w) | reads (c) | 50/50 (a) |"
echo "|---|---|---|---|---|"
round=0
for root in "$@"; do
  round=$((round + 1))
  current="$root"
  rev="$(bench_rev "$root")"
  bench_fresh_cluster "$root" "http://127.0.0.1:$((base + 11))"
  cells=()
  load=true
  for w in w c a; do
    f="$out/round$round-$w.txt"
    java $jvm_flags -jar "$root/bench/target/benchmarks.jar" SdkLoad pd="127.0.0.1:$base" workload="$w" \
      records=100000 load="$load" inflight=256 seconds="$seconds" warmup=5 progress=1000 > "$f" 2>&1 || true
    load=false
    cells+=("$(sdk_ops "$f")/s (p99 $(p99 "$f") ms)")
  done
  echo "| $round | $rev | ${cells[0]} | ${cells[1]} | ${cells[2]} |"
  "$root/bin/ringcache-local" stop --purge >/dev/null
  current=""
done | tee "$out/summary.md"
echo "raw output: $out" >&2
