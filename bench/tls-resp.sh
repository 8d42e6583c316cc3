#!/usr/bin/env bash
# tls-resp.sh: what TLS costs on the Redis port, measured with redis-benchmark (a tool no one here
# wrote), on a fresh local cluster per round, in the order given:
#
#   bench/tls-resp.sh tls plain tls plain
#
# Per round: bin/ringcache-local start (with --tls for tls), then redis-benchmark against node1's
# Redis port: SET then GET of 100-byte values over 50,000 random keys, 50 connections, 200,000
# requests each, no pipelining (--tls --cacert for tls); prints its summary lines; stops and
# deletes the cluster. Needs a built tree, redis-benchmark and openssl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
for round in "$@"; do
  [[ "$round" == tls || "$round" == plain ]] || { echo "tls-resp.sh: a round is tls or plain, not '$round'" >&2; exit 2; }
done
command -v redis-benchmark > /dev/null || { echo "tls-resp.sh: needs redis-benchmark (redis-tools)" >&2; exit 1; }
export RINGCACHE_LOCAL_DIR="${RINGCACHE_BENCH_DIR:-/tmp/ringcache-tls-resp}" RINGCACHE_LOCAL_BASE_PORT=19900
trap 'bin/ringcache-local stop --purge > /dev/null 2>&1' EXIT
for round in "$@"; do
  bin/ringcache-local stop --purge > /dev/null 2>&1 || true
  flag=() tls=()
  if [[ "$round" == tls ]]; then flag=(--tls) tls=(--tls --cacert "$RINGCACHE_LOCAL_DIR/tls/ca.pem"); fi
  bin/ringcache-local start ${flag[@]+"${flag[@]}"} > "$RINGCACHE_LOCAL_DIR.start.txt" 2>&1 \
      || { echo "start failed: $RINGCACHE_LOCAL_DIR.start.txt"; exit 1; }
  echo "=== $round $(date -u +%H:%M:%S)"
  out="$RINGCACHE_LOCAL_DIR.benchmark.txt"
  redis-benchmark -h 127.0.0.1 -p 19951 ${tls[@]+"${tls[@]}"} -t set,get -n 200000 -c 50 -r 50000 -d 100 -q \
      > "$out" 2>&1 || true
  tr '\r' '\n' < "$out" | grep -E "requests per second" \
      || { echo "redis-benchmark reported nothing; its last lines:"; tr '\r' '\n' < "$out" | tail -5; exit 1; }
done
