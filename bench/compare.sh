#!/usr/bin/env bash
# compare.sh: ringcache against etcd and Redis on this machine, with one load generator.
#
#   bash bench/compare.sh [--quick] [--rounds N] [--seconds S] [--prewarm S] [--out FILE] [--build]
#
# Installs etcd-server and redis-server from Debian's packages when `etcd` or `redis-server` is
# missing, then, all on 127.0.0.1 with data under one temporary folder: a three-member etcd
# cluster (its defaults: fsync on), one Redis (its defaults: no replication, no fsync), and a
# three-node ringcache cluster (bin/ringcache-local: a placement driver and three store nodes,
# fsync on). One JVM (benchmarks.jar Compare) measures the machine's limits, loads the records
# into each store, then runs writes, linearizable reads, YCSB A and B and 16-key batches at 1, 16
# and 256 requests in flight against each store in turn, round after round, and writes a Markdown
# table of medians and ratios with a verdict per target. Everything it started is stopped and the
# folder deleted on exit, error or Ctrl-C.
#
#   --quick       1 round, 1 s runs, 10,000 records: about 3 minutes plus the cluster's start
#   (default)     3 rounds, 3 s runs, 100,000 records: about 17 minutes all-in
#   --rounds N    rounds (each runs every cell once per store)
#   --seconds S   measured seconds per run (decimals allowed)
#   --prewarm S   unmeasured seconds per store of workload a, then of batch, before round 1
#                 (default 20, quick 5): a JVM just started is still compiling its hot paths
#   --out FILE    write the report there only; by default a dated section is appended to
#                 bench/RESULTS.md and the same text written to bench/results/compare-<UTC>.md
#   --build       rebuild (./mvnw -q -DskipTests package) even when the jars are there
#
# Never reads standard input; works with CI=true. Exit 0 when the report was written, 1 on a
# failure (a store did not start, the runner failed), 2 on a usage error.
set -euo pipefail
exec </dev/null

prog=compare.sh
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/bench/target/benchmarks.jar"

die() {
  echo "$prog: $*" >&2
  exit 1
}

usage() {
  sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

say() {
  echo "[$prog $(date -u +%H:%M:%S)] $*"
}

# ---------------------------------------------------------------- options

command_line="bash bench/compare.sh${*:+ $*}"
quick=0 rounds="" seconds="" prewarm="" out="" build=0
while (($# > 0)); do
  case "$1" in
    --quick) quick=1 ;;
    --rounds) (($# >= 2)) || { echo "$prog: --rounds needs a number" >&2; exit 2; }; rounds="$2"; shift ;;
    --seconds) (($# >= 2)) || { echo "$prog: --seconds needs a number" >&2; exit 2; }; seconds="$2"; shift ;;
    --prewarm) (($# >= 2)) || { echo "$prog: --prewarm needs a number" >&2; exit 2; }; prewarm="$2"; shift ;;
    --out) (($# >= 2)) || { echo "$prog: --out needs a file" >&2; exit 2; }; out="$2"; shift ;;
    --build) build=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$prog: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if ((quick)); then
  mode=quick
  : "${rounds:=1}" "${seconds:=1}" "${prewarm:=5}"
  warmup=0.5 settle=0.25 limits=1 records=10000
else
  mode=default
  : "${rounds:=3}" "${seconds:=3}" "${prewarm:=20}"
  warmup=1 settle=0.5 limits=3 records=100000
fi
[[ "$prewarm" =~ ^[0-9]+$ ]] || { echo "$prog: --prewarm must be a whole number of seconds, not '$prewarm'" >&2; exit 2; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "$prog: --rounds must be a whole number >= 1, not '$rounds'" >&2; exit 2; }
[[ "$seconds" =~ ^[0-9]+(\.[0-9]+)?$ && "$seconds" != 0 && "$seconds" != 0.0 ]] \
  || { echo "$prog: --seconds must be a positive number, not '$seconds'" >&2; exit 2; }
if [[ -n "$out" && "$out" != /* ]]; then out="$PWD/$out"; fi

# ---------------------------------------------------------------- what is needed

ensure_peers() {
  command -v etcd >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 && return 0
  local -a apt=(apt-get)
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "etcd or redis-server is missing and installing needs root (apt-get install etcd-server redis-server)"
    apt=(sudo -n apt-get)
  fi
  say "installing etcd-server and redis-server from Debian's packages"
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q etcd-server redis-server >/dev/null 2>&1; then
    say "install failed; updating the package lists and trying again"
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q etcd-server redis-server >/dev/null
  fi
  command -v etcd >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 \
    || die "etcd-server and redis-server installed, yet 'etcd' or 'redis-server' is not on the PATH"
}

# The launchers' class paths must name this checkout's modules (a copied target/ may name another).
built() {
  local m
  [[ -f "$jar" ]] || return 1
  for m in placement-driver store-node; do
    [[ -f "$root/$m/target/classpath.txt" ]] || return 1
    compgen -G "$root/$m/target/ringcache-$m-*.jar" >/dev/null || return 1
    if grep -q '/target/ringcache-' "$root/$m/target/classpath.txt" \
      && ! grep -qF "$root/" "$root/$m/target/classpath.txt"; then
      return 1
    fi
  done
}

ensure_built() {
  command -v java >/dev/null 2>&1 || die "Java 17 is needed and 'java' is not on the PATH"
  command -v curl >/dev/null 2>&1 || die "curl is needed and is not on the PATH"
  if ((build == 0)) && built; then return 0; fi
  say "building: ./mvnw -q -DskipTests package -pl placement-driver,store-node,bench -am"
  (cd "$root" && { ./mvnw -o -q -DskipTests package -pl placement-driver,store-node,bench -am \
    || ./mvnw -q -DskipTests package -pl placement-driver,store-node,bench -am; }) >&2 \
    || die "the build failed (see above)"
  built || die "the build finished but the jars are missing under $root/*/target"
}

port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A base B whose ports are all free: ringcache-local B..B+2, B+11..B+13, B+31..B+33;
# etcd clients B+70..B+72, peers B+80..B+82; Redis B+90.
pick_base() {
  local b p ok
  for ((b = 31000; b <= 60000; b += 100)); do
    ok=1
    for p in $b $((b + 1)) $((b + 2)) $((b + 11)) $((b + 12)) $((b + 13)) $((b + 31)) $((b + 32)) $((b + 33)) \
      $((b + 70)) $((b + 71)) $((b + 72)) $((b + 80)) $((b + 81)) $((b + 82)) $((b + 90)); do
      if port_busy "$p"; then ok=0; break; fi
    done
    ((ok)) && { echo "$b"; return 0; }
  done
  return 1
}

# ---------------------------------------------------------------- processes and cleanup

tmp="" pids=() ringcache_started=0 runner_pid="" redis_port=""

stop_pid() {
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.2
}

cleanup() {
  local status=$? pid left=()
  trap - EXIT INT TERM
  set +e
  if [[ -n "$runner_pid" ]]; then stop_pid "$runner_pid"; fi
  if ((ringcache_started)); then
    RINGCACHE_LOCAL_DIR="$tmp/ringcache" "$root/bin/ringcache-local" stop --purge >/dev/null 2>&1
  fi
  # Redis saves a snapshot on SIGTERM and stays up when that fails; the data is thrown away anyway.
  if [[ -n "$redis_port" ]]; then redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1; fi
  for pid in ${pids[@]+"${pids[@]}"}; do stop_pid "$pid"; done
  for pid in ${pids[@]+"${pids[@]}"}; do kill -0 "$pid" 2>/dev/null && left+=("$pid"); done
  if [[ -n "$tmp" ]]; then
    # Anything still running from the folder (a ringcache process, say) is named by its path.
    while read -r pid; do
      [[ -n "$pid" ]] && left+=("$pid")
    done < <(pgrep -f -- "$tmp/" 2>/dev/null || true)
    if ((${#left[@]} > 0)); then
      echo "$prog: processes still running after the stop: ${left[*]}" >&2
      status=1
    else
      rm -rf "$tmp"
      say "stopped everything it started; removed $tmp"
    fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Polls a condition for up to $2 seconds; fails when it never holds or a watched pid died.
await() {
  local what="$1" limit="$2" deadline pid
  shift 2
  deadline=$((SECONDS + limit))
  until "$@"; do
    for pid in ${pids[@]+"${pids[@]}"}; do
      kill -0 "$pid" 2>/dev/null || die "a process ($pid) exited while waiting for $what; logs in $tmp"
    done
    ((SECONDS < deadline)) || die "timed out after ${limit}s waiting for $what; logs in $tmp"
    sleep 0.3
  done
}

etcd_healthy() {
  local p
  for p in "$@"; do
    curl -fsS --max-time 2 "http://127.0.0.1:$p/health" 2>/dev/null | grep -q '"health":"true"' || return 1
  done
}

redis_ready() {
  [[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" == PONG ]]
}

# ---------------------------------------------------------------- run

start_s=$SECONDS
started_utc="$(date -u '+%Y-%m-%d %H:%M UTC')"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
ensure_peers
ensure_built
base="$(pick_base)" || die "found no free block of ports between 31000 and 60090"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/ringcache-compare.XXXXXX")"
say "mode $mode: $rounds round(s), ${seconds}s runs; ports from $base; data in $tmp"

e_client=($((base + 70)) $((base + 71)) $((base + 72)))
e_peer=($((base + 80)) $((base + 81)) $((base + 82)))
cluster="e1=http://127.0.0.1:${e_peer[0]},e2=http://127.0.0.1:${e_peer[1]},e3=http://127.0.0.1:${e_peer[2]}"
for i in 0 1 2; do
  n=$((i + 1))
  etcd --name "e$n" --data-dir "$tmp/etcd/e$n" \
    --listen-client-urls "http://127.0.0.1:${e_client[$i]}" --advertise-client-urls "http://127.0.0.1:${e_client[$i]}" \
    --listen-peer-urls "http://127.0.0.1:${e_peer[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${e_peer[$i]}" \
    --initial-cluster "$cluster" --initial-cluster-token "compare-$stamp" --initial-cluster-state new \
    >"$tmp/etcd-e$n.log" 2>&1 &
  pids+=($!)
done
redis_port=$((base + 90))
mkdir -p "$tmp/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$tmp/redis" --daemonize no \
  >"$tmp/redis.log" 2>&1 &
pids+=($!)
await "the three etcd members to report healthy" 60 etcd_healthy "${e_client[@]}"
await "Redis to answer PING" 30 redis_ready "$redis_port"
say "etcd (3 members, client ports ${e_client[*]}) and Redis (port $redis_port) are up"

say "starting ringcache: placement driver + 3 store nodes (bin/ringcache-local)"
ringcache_started=1
RINGCACHE_LOCAL_DIR="$tmp/ringcache" RINGCACHE_LOCAL_BASE_PORT="$base" "$root/bin/ringcache-local" start \
  >"$tmp/ringcache-local.out" 2>&1 || { cat "$tmp/ringcache-local.out" >&2; die "ringcache did not start"; }
say "ringcache is up (placement driver 127.0.0.1:$base)"

# A bound on the runner, well above its planned time, so a hang cannot keep the machine.
cells=$((5 * 3 * 3))
planned=$(awk -v r="$rounds" -v s="$seconds" -v w="$warmup" -v p="$prewarm" -v c="$cells" -v l="$limits" -v q="$settle" \
  'BEGIN { printf "%d", r * c * (s + w + q) + 3 * 2 * p + 2 * l }')
limit_s=$((planned * 2 + 300))
say "runner: about ${planned}s of runs plus loading (bounded at ${limit_s}s)"
loadavg_before="$(cut -d' ' -f1-3 /proc/loadavg)"
report="$tmp/report.md"
# shellcheck disable=SC2046
timeout --signal=TERM --kill-after=20 "$limit_s" \
  java $("$root/bin/jvm-flags") -Xmx1g -jar "$jar" Compare \
  ringcache="127.0.0.1:$base" \
  etcd="http://127.0.0.1:${e_client[0]},http://127.0.0.1:${e_client[1]},http://127.0.0.1:${e_client[2]}" \
  redis="127.0.0.1:$redis_port" rounds="$rounds" seconds="$seconds" warmup="$warmup" prewarm="$prewarm" \
  settle="$settle" limits="$limits" records="$records" tmp="$tmp" out="$report" > >(sed -u 's/^/  /') 2>&1 &
runner_pid=$!
wait "$runner_pid" || true
runner_pid=""
loadavg_after="$(cut -d' ' -f1-3 /proc/loadavg)"
[[ -s "$report" ]] || die "the runner wrote no report (its output is above)"

# ---------------------------------------------------------------- the section

cores="$(nproc)"
mem="$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
# (sed -n 1p rather than head: under pipefail, head closing the pipe early would fail the script)
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p)"
commit="$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(cd "$root" && git status --porcelain --untracked-files=no -- . ':!bench/RESULTS.md' ':!bench/results' 2>/dev/null)" ]]; then
  commit="$commit (with uncommitted changes)"
fi
etcd_v="$(etcd --version 2>/dev/null | sed -n 1p)"
redis_v="$(redis-server --version 2>/dev/null | sed 's/ sha=.*//')"
java_v="$(java -version 2>&1 | sed -n 1p)"
section="$tmp/section.md"
{
  echo "### Comparison with etcd and Redis: compare.sh, $mode mode ($started_utc)"
  echo
  echo "Machine: $cores cores ($cpu), $mem RAM, $(uname -sr); $java_v. ringcache at commit $commit;"
  echo "$etcd_v; $redis_v. Load average (1, 5, 15 min) before the runner: $loadavg_before; after it: $loadavg_after"
  echo "(everything running on the machine counts, other users' work included)."
  echo "Command: \`$command_line\` (rounds $rounds, ${warmup} s warm-up + ${seconds} s measured per run), $((SECONDS - start_s)) s all-in."
  echo "Setup, all on 127.0.0.1 and the same cores: etcd 3 members, defaults (fsync on); Redis 1 server, defaults"
  echo "(no replication, no fsync, RDB snapshots as shipped); ringcache via bin/ringcache-local (placement driver +"
  echo "3 store nodes, default shard count, fsync on). One generator JVM for all three (jetcd $(sed -n 's/.*<jetcd.version>\(.*\)<.*/\1/p' "$root/pom.xml"),"
  echo "Lettuce $(sed -n 's/.*<lettuce.version>\(.*\)<.*/\1/p' "$root/pom.xml"), the ringcache SDK)."
  echo
  cat "$report"
} >"$section"
if [[ -n "$out" ]]; then
  mkdir -p "$(dirname "$out")"
  cp "$section" "$out"
  say "report written to $out"
else
  mkdir -p "$root/bench/results"
  cp "$section" "$root/bench/results/compare-$stamp.md"
  { echo; cat "$section"; } >>"$root/bench/RESULTS.md"
  say "report appended to bench/RESULTS.md and written to bench/results/compare-$stamp.md"
fi
echo
cat "$report"
