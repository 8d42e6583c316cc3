#!/usr/bin/env bash
# http-wrk.sh: the HTTP API under wrk, as a user without the SDK meets it (issue 15's measurement).
#
#   bench/http-wrk.sh [ROOT ...]     one round per ROOT, in the order given (default: this checkout);
#                                    give two checkouts twice (A B A B) to compare them in one run.
#                                    Prints a markdown table; raw wrk output goes to
#                                    bench/results/http-wrk-<UTC>/
#
# Each round: a fresh `ROOT/bin/ringcache-local` cluster (PD + 3 stores, 4 shards), then against
# node1 (which forwards what it does not lead): 200 sequential `/set`s timed by curl (idle
# latency), wrk -t2 -d8s on `/set` at 16 and 256 connections (16-byte keys from 10,000, 100-byte
# values), then `/get` at 16 and 256 over the same keys (404s for keys never written count as
# answers: they are linearizable reads too). Before the measured runs, RINGCACHE_BENCH_PREWARM
# seconds (default 10) each of unmeasured /set and /get at 256 connections: a JVM just started is
# still compiling its hot paths, and the SDK figures beside these (bench/compare.sh) are prewarmed
# too. Last, on the same cluster, the Java SDK at 256 in flight (benchmarks.jar SdkLoad, workload w
# then c, the same 10,000 keys, uniform, linearizable reads), and each HTTP figure as a ratio of
# the SDK's (issue 15's aims: at least 0.8x). Everything runs on this machine, wrk included.
# Needs wrk and curl (Debian: apt-get install wrk curl) and bench/target/benchmarks.jar.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
roots=("$@")
(( ${#roots[@]} )) || roots=("$here")
base="${RINGCACHE_BENCH_BASE_PORT:-24000}"
seconds="${RINGCACHE_BENCH_SECONDS:-8}"
prewarm="${RINGCACHE_BENCH_PREWARM:-10}"
jar="$here/bench/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "http-wrk: build $jar first (./mvnw -q -DskipTests package)" >&2; exit 2; }
. "$here/bench/lib.sh"
jvm_flags="$(bench_jvm_flags "$here")"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$here/bench/results/http-wrk-$stamp"
mkdir -p "$out"
dir="$(mktemp -d /tmp/http-wrk.XXXXXX)"
export RINGCACHE_LOCAL_DIR="$dir/cluster" RINGCACHE_LOCAL_BASE_PORT="$base" RINGCACHE_LOCAL_SHARDS=4
current=""
cleanup() { [[ -n "$current" ]] && "$current/bin/ringcache-local" stop --purge >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "http-wrk: needs wrk (apt-get install wrk)" >&2; exit 2; }

bench_wrk_scripts "$dir"

sdk() { # workload -> ops/s of the SDK at 256 in flight on the running cluster
  java $jvm_flags -jar "$jar" SdkLoad pd="127.0.0.1:$base" workload="$1" dist=uniform records=10000 load=false \
    inflight=256 seconds="$seconds" warmup=3 progress=1000 > "$2" 2>&1 || true
  sdk_ops "$2"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }

echo "| round | checkout | idle /set p50 / p99 (ms) | /set 16 conns | /set 256 conns | /get 16 conns | /get 256 conns | SDK writes 256 | SDK reads 256 | /set 256 vs SDK | /get 256 vs SDK |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
round=0
for root in "${roots[@]}"; do
  round=$((round + 1))
  current="$root"
  rev="$(bench_rev "$root")"
  url="http://127.0.0.1:$((base + 11))"
  bench_fresh_cluster "$root" "$url"
  # Idle latency: sequential, one connection each (curl), once every shard answers.
  for i in $(seq 1 200); do
    curl -s -o /dev/null -w '%{time_total}\n' "$url/set?key=idle$((i % 50))&value=v"
  done | sort -n > "$out/round$round-idle.txt"
  idle="$(awk '{ a[NR] = $1 * 1000 } END { printf "%.1f / %.1f", a[int(NR * 0.5)], a[int(NR * 0.99)] }' "$out/round$round-idle.txt")"
  wrk -t2 -c256 -d"${prewarm}s" -s "$dir/set.lua" "$url" > "$out/round$round-prewarm-set.txt" 2>&1 || true
  wrk -t2 -c256 -d"${prewarm}s" -s "$dir/get.lua" "$url" > "$out/round$round-prewarm-get.txt" 2>&1 || true
  cells=()
  for op in set get; do
    for c in 16 256; do
      f="$out/round$round-$op-$c.txt"
      wrk -t2 -c"$c" -d"${seconds}s" --latency -s "$dir/$op.lua" "$url" > "$f" 2>&1 || true
      cells+=("$(wrk_rate "$f")/s (p50 $(wrk_p50 "$f"), p99 $(wrk_p99 "$f"), non-2xx $(wrk_errors "$f"))")
    done
  done
  sdk_w="$(sdk w "$out/round$round-sdk-w.txt")"
  sdk_c="$(sdk c "$out/round$round-sdk-c.txt")"
  set256="$(wrk_rate "$out/round$round-set-256.txt")"
  get256="$(wrk_rate "$out/round$round-get-256.txt")"
  echo "| $round | $rev | $idle | ${cells[0]} | ${cells[1]} | ${cells[2]} | ${cells[3]} | ${sdk_w:-?}/s | ${sdk_c:-?}/s | $(ratio "$set256" "$sdk_w") | $(ratio "$get256" "$sdk_c") |"
  "$root/bin/ringcache-local" stop --purge >/dev/null
  current=""
done | tee "$out/summary.md"
echo "raw output: $out" >&2
