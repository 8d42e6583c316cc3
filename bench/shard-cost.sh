#!/usr/bin/env bash
# shard-cost.sh: what a Raft entry and a hosted shard cost the stores, per variant and shard count,
# on fresh clusters, alternating variants (A B A B) so the machine's drift falls on both alike.
#
#   bench/shard-cost.sh [-r ROUNDS] [-s "4 16 64"] [-t SECONDS] NAME='JAVA_OPTS' [NAME='JAVA_OPTS' ...]
#
#   e.g. bench/shard-cost.sh -s "4 16" base='' nocompose='-Dringcache.ratis.raft.server.log.append-entries.compose.enabled=false'
#        bench/shard-cost.sh before@/tmp/old-checkout='' after=''
#
# A NAME of the form LABEL@ROOT runs that built checkout's launchers and benchmarks.jar (to compare
# builds); otherwise this checkout's.
#
# Each cell: a fresh `bin/ringcache-local` cluster (PD + 3 stores) with that many shards and the
# variant's JAVA_OPTS, a load phase of 20,000 keys, then SdkLoad workload w (updates only, uniform
# keys, 100-byte values) at 256 in flight for SECONDS (default 12) after RINGCACHE_BENCH_WARMUP s (default 40) of warm-up. Over the
# middle of the measured run (SECONDS - 4 s) it samples:
#   - the three stores' CPU: the processes' clocks from /proc/PID/stat, and per thread from
#     /proc/PID/task/TID/stat, summed per thread role (names from one jstack after the window)
#     into *-threads.txt beside the raw output,
#   - leader changes the stores noticed (a false election under load shows here),
#   - Raft entries proposed by the stores' group commit (ringcache_commit_batch_commands_count from
#     each node's /metrics; the SDK sends coalesced BatchPuts, so one command carries many writes),
# and reports writes/s and p50/p99 (SdkLoad's own window), writes per entry (SdkLoad's rate over
# the sample window / entries), and store CPU per entry and per write. The JIT compilers' threads
# are left out of the CPU (their share is its own column): a fresh JVM still compiles for a
# minute, and that cost is not a write's.
# Raw output: bench/results/shard-cost-<UTC>/. Needs a built checkout (bench/target/benchmarks.jar).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=2 shard_counts="4 16" seconds=12 warm="${RINGCACHE_BENCH_WARMUP:-40}"
while getopts "r:s:t:" o; do
  case "$o" in
    r) rounds="$OPTARG" ;; s) shard_counts="$OPTARG" ;; t) seconds="$OPTARG" ;;
    *) echo "usage: shard-cost.sh [-r ROUNDS] [-s SHARDS] [-t SECONDS] NAME='JAVA_OPTS' ..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
(( $# )) || { echo "usage: shard-cost.sh [-r ROUNDS] [-s SHARDS] [-t SECONDS] NAME='JAVA_OPTS' ..." >&2; exit 2; }
(( seconds >= 6 )) || { echo "SECONDS must be at least 6" >&2; exit 2; }
base="${RINGCACHE_BENCH_BASE_PORT:-26000}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$here/bench/results/shard-cost-$stamp"
mkdir -p "$out"
dir="$(mktemp -d /tmp/shard-cost.XXXXXX)"
export RINGCACHE_LOCAL_DIR="$dir/cluster" RINGCACHE_LOCAL_BASE_PORT="$base"
current="$here"
cleanup() { "$current/bin/ringcache-local" stop --purge >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
. "$here/bench/lib.sh"
jvm_flags="$(bench_jvm_flags "$here")"
hz="$(getconf CLK_TCK)"

store_pids() { local n; for n in 1 2 3; do cat "$RINGCACHE_LOCAL_DIR/node$n.pid"; done; }
# Raft entries proposed by group commit on the three stores.
store_entries() {
  local n
  for n in 1 2 3; do curl -fsS "http://127.0.0.1:$((base + 10 + n))/metrics"; done |
    awk '/^ringcache_commit_batch_commands_count/ { e += $NF } END { printf "%d\n", e }'
}
# Leader changes the stores have noticed so far: each replica logs every change it learns of
# ("leader is now"), so a quiet run adds none; any during the window is an election under load.
leader_notices() { cat "$RINGCACHE_LOCAL_DIR"/node{1,2,3}.log 2>/dev/null | grep -c "leader is now" || true; }
# CPU clock ticks of the three stores' processes (every thread, exited ones included).
# /proc/PID/stat's second field is "(comm)", which may hold spaces: fields are counted after it.
store_ticks() {
  local files=() pid
  for pid in $(store_pids); do files+=("/proc/$pid/stat"); done
  awk '{ sub(/.*\) /, ""); split($0, f, " "); s += f[12] + f[13] } END { print s }' "${files[@]}"
}
# "PID TID ticks" of every live store thread, read by one awk (a process per thread would cost
# more CPU than the window measures).
thread_ticks() {
  local pid
  for pid in $(store_pids); do
    awk -v pid="$pid" '{ split(FILENAME, p, "/"); sub(/.*\) /, ""); split($0, f, " "); print pid, p[5], f[12] + f[13] }' \
      /proc/"$pid"/task/*/stat 2>/dev/null
  done
}
# "PID TID<TAB>role" of every store thread, from one jstack per store taken after the window (so
# the window itself is not disturbed by safepoints): the thread's name with node, group and pool
# numbers folded, so 64 groups' log workers add up to one role.
thread_roles() {
  local pid nid name
  for pid in $(store_pids); do
    jstack "$pid" 2>/dev/null | sed -nE 's/^"([^"]+)".* nid=0x([0-9a-f]+).*/\2\t\1/p' |
      while IFS=$'\t' read -r nid name; do printf '%s %d\t%s\n' "$pid" "$((16#$nid))" "$name"; done
  done | sed -E 's/group-[0-9A-F]+/group-N/g; s/node[0-9]+/nodeX/g; s/[-#]?[0-9]+$//; s/(ELG|thread|worker)-?[0-9]+(-[0-9]+)?/\1/g'
}
# CPU ms per role over the window: roles names, ticks before, ticks after, the window's process total.
role_cpu() {
  awk -v hz="$hz" -v total="$4" '
    FILENAME == ARGV[1] { split($0, f, "\t"); role[f[1]] = f[2]; next }
    FILENAME == ARGV[2] { before[$1 " " $2] = $3; next }
    { k = $1 " " $2; r = (k in role) ? role[k] : "(exited before the names were read)"; d = $3 - before[k]; s[r] += d; live += d }
    END { printf "%8d TOTAL (process clocks)\n", total * 1000 / hz
          if (total > live) printf "%8d (threads that exited during the window)\n", (total - live) * 1000 / hz
          for (r in s) if (s[r] > 0) printf "%8d %s\n", s[r] * 1000 / hz, r }' "$1" "$2" "$3" | sort -rn | head -25
}

echo "| round | shards | variant | writes/s | p50 / p99 ms | writes per entry | store CPU per entry | store CPU per write | store CPU (cores) | JIT (cores) | leader changes noticed |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$rounds"); do
  for shards in $shard_counts; do
    for variant in "$@"; do
      name="${variant%%=*}" opts="${variant#*=}" root="$here"
      [[ "$name" == *@* ]] && { root="${name#*@}"; name="${name%%@*}"; }
      cell="$out/r$round-s$shards-$name"
      export RINGCACHE_LOCAL_SHARDS="$shards" JAVA_OPTS="$opts"
      current="$root"
      bench_fresh_cluster "$root" "http://127.0.0.1:$((base + 11))"
      java $jvm_flags -jar "$root/bench/target/benchmarks.jar" SdkLoad pd="127.0.0.1:$base" workload=w \
        records=20000 load=true inflight=256 seconds=1 warmup=0 progress=1000 > "$cell-load.txt" 2>&1 || true
      java $jvm_flags -jar "$root/bench/target/benchmarks.jar" SdkLoad pd="127.0.0.1:$base" workload=w dist=uniform \
        records=20000 load=false inflight=256 seconds="$seconds" warmup="$warm" progress=1000 > "$cell.txt" 2>&1 &
      gen=$!
      sleep $((warm + 2))
      lead0="$(leader_notices)"; ent0="$(store_entries)"; thread_ticks > "$cell-ticks0.txt"; tick0="$(store_ticks)"
      sleep $((seconds - 4))
      ent1="$(store_entries)"; lead1="$(leader_notices)"; thread_ticks > "$cell-ticks1.txt"; tick1="$(store_ticks)"
      thread_roles > "$cell-roles.tsv"
      role_cpu "$cell-roles.tsv" "$cell-ticks0.txt" "$cell-ticks1.txt" "$((tick1 - tick0))" > "$cell-threads.txt"
      rm -f "$cell-ticks0.txt" "$cell-ticks1.txt" "$cell-roles.tsv"
      wait "$gen" || true
      window=$((seconds - 4))
      jit="$(awk '/Compiler|Sweeper/ { s += $1 } END { print s + 0 }' "$cell-threads.txt")"
      total="$(awk '/TOTAL/ { print $1 }' "$cell-threads.txt")"
      row="$(awk -v t="$total" -v j="$jit" -v e="$((ent1 - ent0))" -v r="$(sdk_ops "$cell.txt")" -v s="$window" 'BEGIN {
        c = (t - j) / 1000; w = r * s; if (e < 1) e = 1; if (w < 1) w = 1;
        printf "%.1f | %.2f ms | %.0f us | %.2f | %.2f", w / e, c * 1000 / e, c * 1e6 / w, c / s, j / 1000 / s }')"
      lat="$(awk '/^all / { print $5 " / " $6 }' "$cell.txt")"
      echo "| $round | $shards | $name | $(sdk_ops "$cell.txt") | $lat | $row | $((lead1 - lead0)) |"
      "$root/bin/ringcache-local" stop --purge >/dev/null
    done
  done
done | tee "$out/summary.md"
echo "raw output: $out" >&2
