#!/usr/bin/env bash
# chaos/run-long.sh: the fault suite's long tier (about 85 minutes on 2 cores): every nemesis alone,
# then all of them mixed, several seeds of 90 s each, and a table of the results. The placement and
# mixed rows run on 4 nodes (so replicas can move and a store can be drained, also among the other
# faults), the others on 3.
#
#   chaos/run-long.sh [RUNS_PER_ROW] [SECONDS]      (defaults: 3 runs, 90 s)
#
# Writes chaos-long-<UTC>/ under the working folder: one sub-folder per row (failed runs keep their
# records there) and table.md (nemesis x runs x result, operations, unknown outcomes, worst
# availability windows, recovery, TTL probes, grow-only set adds, batches), ready for docs/. Needs root, like chaos/run.sh.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
runs="${1:-3}" seconds="${2:-90}"
out="$PWD/chaos-long-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
seed="$(date +%s)"
failed=0
for nemeses in partition kill pause loss slow latency disk io clock placement all; do
  # Replica moves and drains need a store that holds no replica of the shard: 4 nodes for 3 replicas.
  nodes=3
  [[ "$nemeses" == placement || "$nemeses" == all ]] && nodes=4
  "$here/run.sh" --seed "$seed" --runs "$runs" --seconds "$seconds" --nemeses "$nemeses" --nodes "$nodes" --out "$out/$nemeses" \
    | tee -a "$out/output.txt"
  status=${PIPESTATUS[0]}
  (( status == 3 )) && exit 3
  (( status != 0 )) && failed=1
  seed=$((seed + runs))
done
{
  echo "| nemeses | seed | verdict | operations | unknown | worst fault window | worst quiet window | recovery ms | TTL keys | TTL violations | latest TTL read ms | set adds | set problems | batch shard parts | batch problems | result |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for nemeses in partition kill pause loss slow latency disk io clock placement all; do
    awk -F'\t' -v n="$nemeses" '{ printf "| %s | %s | %s | %s | %s | %.1f%% | %.1f%% | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", n, $1, $3, $4, $5, 100*$6, 100*$7, $8, $10, $11, $12, $13, $14, $15, $16, $9 }' \
      "$out/$nemeses/runs.tsv"
  done
} > "$out/table.md"
cat "$out/table.md"
exit "$failed"
