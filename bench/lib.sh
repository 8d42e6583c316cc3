# lib.sh: helpers the bench scripts share; source it (`. "$here/bench/lib.sh"`), do not run it.

# The JVM flags every ringcache JVM needs (jvm.properties), as one line of arguments.
bench_jvm_flags() {
  sed -n '/^ringcache.jvm.flags=/,/^[^ ]/p' "$1/jvm.properties" | grep -oE '^ +-[^ \\]+' | tr -d ' ' | tr '\n' ' '
}

# Writes wrk scripts for the seed's API into DIR: set.lua (16-byte keys from 10,000, 100-byte
# values) and get.lua (the same keys).
bench_wrk_scripts() {
  cat > "$1/set.lua" <<'LUA'
local value = string.rep("v", 100)
request = function()
  return wrk.format("GET", string.format("/set?key=k%015d&value=%s", math.random(0, 9999), value))
end
LUA
  cat > "$1/get.lua" <<'LUA'
request = function()
  return wrk.format("GET", string.format("/get?key=k%015d", math.random(0, 9999)))
end
LUA
}

# Figures from one wrk --latency output file.
wrk_rate() { awk '/Requests\/sec/ { print int($2) }' "$1"; }
wrk_p50() { awk '/^ +50%/ { print $2 }' "$1"; }
wrk_p99() { awk '/^ +99%/ { print $2 }' "$1"; }
wrk_errors() { awk '/Non-2xx or 3xx/ { n += $NF } /Socket errors/ { n += 1 } END { print n + 0 }' "$1"; }

# Operations per second from one SdkLoad output file (its "== workload ...: N ops/s" line).
sdk_ops() { sed -nE 's/^== workload.*: ([0-9,]+) ops\/s.*/\1/p' "$1" | tr -d ,; }

# A checkout's short commit, marked +changes when its tree (bench/ aside) differs from it.
bench_rev() {
  echo "$(git -C "$1" rev-parse --short HEAD)$(git -C "$1" diff --quiet HEAD -- . ':!bench' || echo '+changes')"
}

# A fresh `ROOT/bin/ringcache-local` cluster (in RINGCACHE_LOCAL_DIR), ready once a /set through
# URL (a node's HTTP address) answers, which needs every shard's leader on the way.
bench_fresh_cluster() {
  "$1/bin/ringcache-local" stop --purge >/dev/null 2>&1 || true
  "$1/bin/ringcache-local" start >/dev/null
  local try
  for try in $(seq 1 100); do curl -fsS "$2/set?key=warm&value=x" >/dev/null 2>&1 && break; sleep 0.2; done
}
