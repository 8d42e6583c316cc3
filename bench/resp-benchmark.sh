#!/usr/bin/env bash
# resp-benchmark.sh: redis-benchmark against ringcache's Redis protocol and against a real Redis,
# on this machine, in one run (issue 15's measurement).
#
#   bench/resp-benchmark.sh [ROUNDS]   ROUNDS of (ringcache, Redis), default 2; prints a markdown
#                                      table; raw CSV goes to bench/results/resp-benchmark-<UTC>/
#
# ringcache: a fresh bin/ringcache-local cluster (PD + 3 stores, 4 shards, each write replicated to
# 3 Raft logs with fsync), benchmarked through node1 (which forwards what it does not lead).
# Redis: redis-server on a free port with persistence off (--save "" --appendonly no), as a cache.
# Each: redis-benchmark -t set,get at -c 50 and -c 256, with -P 1 and -P 16, random keys from 10,000.
# Needs redis-server and redis-benchmark (Debian: apt-get install redis-server redis-tools).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-2}"
base="${RINGCACHE_BENCH_BASE_PORT:-25000}"
redis_port=$((base + 99))
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$root/bench/results/resp-benchmark-$stamp"
mkdir -p "$out"
dir="$(mktemp -d /tmp/resp-benchmark.XXXXXX)"
export RINGCACHE_LOCAL_DIR="$dir/cluster" RINGCACHE_LOCAL_BASE_PORT="$base" RINGCACHE_LOCAL_SHARDS=4
redis_pid=""
cleanup() {
  "$root/bin/ringcache-local" stop --purge >/dev/null 2>&1 || true
  [[ -n "$redis_pid" ]] && kill "$redis_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
for t in redis-server redis-benchmark redis-cli; do command -v "$t" >/dev/null || { echo "resp-benchmark: needs $t" >&2; exit 2; }; done

run() {  # $1 = label, $2 = port
  local label="$1" port="$2" cells=() c p n f
  for c in 50 256; do
    for p in 1 16; do
      n=$((p == 1 ? 20000 : 200000))
      f="$out/$label-c$c-P$p.csv"
      redis-benchmark -h 127.0.0.1 -p "$port" -t set,get -c "$c" -P "$p" -n "$n" -r 10000 -d 100 --csv > "$f" 2>/dev/null || true
      cells+=("$(awk -F'","' '/^"SET"/ { gsub(/"/, "", $2); printf "%d", $2 }' "$f")" \
              "$(awk -F'","' '/^"GET"/ { gsub(/"/, "", $2); printf "%d", $2 }' "$f")")
    done
  done
  echo "| $label | ${cells[0]} / ${cells[1]} | ${cells[2]} / ${cells[3]} | ${cells[4]} / ${cells[5]} | ${cells[6]} / ${cells[7]} |"
}

echo "| target | c50 P1 SET / GET | c50 P16 SET / GET | c256 P1 SET / GET | c256 P16 SET / GET |"
echo "|---|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  "$root/bin/ringcache-local" stop --purge >/dev/null 2>&1 || true
  "$root/bin/ringcache-local" start >/dev/null
  rport=$((base + 51))
  for try in $(seq 1 100); do redis-cli -p "$rport" set warm x 2>/dev/null | grep -q OK && break; sleep 0.2; done
  run "ringcache-r$r" "$rport"
  "$root/bin/ringcache-local" stop --purge >/dev/null
  redis-server --port "$redis_port" --save "" --appendonly no --daemonize no >/dev/null 2>&1 &
  redis_pid=$!
  for try in $(seq 1 100); do redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  run "redis-r$r" "$redis_port"
  kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; redis_pid=""
done | tee "$out/summary.md"
echo "raw output: $out" >&2
