#!/usr/bin/env bash
# tls-cost.sh: what TLS (and auth) costs the SDK, on a fresh local cluster per round, in the order given:
#
#   bench/tls-cost.sh tls plain tls plain
#   bench/tls-cost.sh auth tls auth tls
#
# auth: a TLS cluster with auth on (ringctl: a role with readwrite on every key and admin, user
# "bench"), the SDK signing every call in with Basic credentials.
# Per round: bin/ringcache-local start (with --tls for tls), 50,000 keys of 100 bytes loaded,
# then SdkLoad at 256 operations in flight for 20 s after 5 s of warm-up, writes only (workload w)
# then reads only (workload c, linearizable); prints each run's summary and latency line; stops
# and deletes the cluster. Needs a built tree (./mvnw -q -DskipTests install) and openssl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
for round in "$@"; do
  [[ "$round" == tls || "$round" == plain || "$round" == auth ]] \
      || { echo "tls-cost.sh: a round is tls, auth or plain, not '$round'" >&2; exit 2; }
done
export RINGCACHE_LOCAL_DIR="${RINGCACHE_BENCH_DIR:-/tmp/ringcache-tls-cost}" RINGCACHE_LOCAL_BASE_PORT=19900
pd=127.0.0.1:19900
trap 'bin/ringcache-local stop --purge > /dev/null 2>&1' EXIT
for round in "$@"; do
  bin/ringcache-local stop --purge > /dev/null 2>&1 || true
  flag=() ca="" creds=()
  if [[ "$round" != plain ]]; then flag=(--tls) ca="$RINGCACHE_LOCAL_DIR/tls/ca.pem"; fi
  bin/ringcache-local start ${flag[@]+"${flag[@]}"} > "$RINGCACHE_LOCAL_DIR.start.txt" 2>&1 \
      || { echo "start failed: $RINGCACHE_LOCAL_DIR.start.txt"; exit 1; }
  if [[ "$round" == auth ]]; then
    t="$RINGCACHE_LOCAL_DIR/tls"
    printf 'bench-password-1\n' > "$RINGCACHE_LOCAL_DIR.pw"
    ctl=(bin/ringctl --pd $pd --tls-ca "$t/ca.pem" --tls-cert "$t/client.pem" --tls-key "$t/client.key")
    "${ctl[@]}" role add bench > /dev/null
    "${ctl[@]}" role grant bench admin > /dev/null
    "${ctl[@]}" role grant bench readwrite "" > /dev/null
    "${ctl[@]}" user add bench --new-password-file "$RINGCACHE_LOCAL_DIR.pw" > /dev/null
    "${ctl[@]}" user grant-role bench bench > /dev/null
    "${ctl[@]}" auth enable > /dev/null
    creds=(user=bench password=bench-password-1)
    sleep 3 # every store hears of auth with its next heartbeat (1 s)
  fi
  echo "=== $round $(date -u +%H:%M:%S)"
  java $(bin/jvm-flags) -Xmx512m -jar bench/target/benchmarks.jar SdkLoad pd=$pd tls_ca="$ca" ${creds[@]+"${creds[@]}"} workload=w records=50000 \
      batch=500 seconds=20 warmup=5 threads=4 inflight=256 progress=30 2>&1 | grep -E "load:.*written|== workload|^update "
  java $(bin/jvm-flags) -Xmx512m -jar bench/target/benchmarks.jar SdkLoad pd=$pd tls_ca="$ca" ${creds[@]+"${creds[@]}"} workload=c records=50000 \
      load=false seconds=20 warmup=5 threads=4 inflight=256 progress=30 2>&1 | grep -E "== workload|^read "
done
