#!/usr/bin/env bash
# http-frameworks.sh: the node's HTTP server (Netty, its own HttpApi) beside Vert.x's, both over
# one in-memory request path (benchmarks.jar HttpFrameworks), under wrk: what choosing the server
# is worth once Ratis is out of the way (issue 15 asks for two candidates measured).
#
#   bench/http-frameworks.sh [ROUNDS]   ROUNDS of (netty, vertx), default 2; prints a markdown
#                                       table; raw wrk output goes to bench/results/http-frameworks-<UTC>/
#
# Each round starts a fresh server JVM (-Xmx512m, the flags in jvm.properties) on a free port,
# prewarms it with 8 s of /set and 8 s of /get at 256 connections, then runs wrk -t2 -d8s on /set
# and /get (16-byte keys from 10,000, 100-byte values) at 16 and 256 connections. Server and wrk
# share this machine. Needs wrk and bench/target/benchmarks.jar.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-2}"
seconds="${RINGCACHE_BENCH_SECONDS:-8}"
jar="$here/bench/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "http-frameworks: build $jar first (./mvnw -q -DskipTests package)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "http-frameworks: needs wrk (apt-get install wrk)" >&2; exit 2; }
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$here/bench/results/http-frameworks-$stamp"
mkdir -p "$out"
dir="$(mktemp -d /tmp/http-frameworks.XXXXXX)"
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
. "$here/bench/lib.sh"
jvm_flags="$(bench_jvm_flags "$here")"
bench_wrk_scripts "$dir"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

echo "| round | server | /set 16 | /set 256 | /get 16 | /get 256 |"
echo "|---|---|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  for server in netty vertx; do
    port="$(free_port)"
    java $jvm_flags -Xmx512m -cp "$jar" io.ringcache.bench.HttpFrameworks "$server" "$port" > "$out/round$round-$server.log" 2>&1 &
    pid=$!
    for t in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/set?key=warm&value=x" >/dev/null 2>&1 && break; sleep 0.2; done
    wrk -t2 -c256 -d8s -s "$dir/set.lua" "http://127.0.0.1:$port" >/dev/null 2>&1 || true
    wrk -t2 -c256 -d8s -s "$dir/get.lua" "http://127.0.0.1:$port" >/dev/null 2>&1 || true
    cells=()
    for op in set get; do
      for c in 16 256; do
        f="$out/round$round-$server-$op-$c.txt"
        wrk -t2 -c"$c" -d"${seconds}s" --latency -s "$dir/$op.lua" "http://127.0.0.1:$port" > "$f" 2>&1 || true
        cells+=("$(wrk_rate "$f")/s (p99 $(wrk_p99 "$f"))")
      done
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
    echo "| $round | $server | ${cells[0]} | ${cells[1]} | ${cells[2]} | ${cells[3]} |"
  done
done | tee "$out/summary.md"
echo "raw output: $out" >&2
