#!/usr/bin/env bash
# Builds the ringcache container image without a Docker engine or a registry, and proves it runs.
#   1. a base image from the local JDK: jlink a runtime, add the shared libraries ldd lists, package it
#      as an OCI image with umoci, then as a docker-archive tarball with skopeo;
#   2. the ringcache image on that base with Jib (deploy/pom.xml, profile 'image': tar:// base, tarball out);
#   3. unpacks the image (skopeo to OCI, umoci unpack), mounts /proc in its root filesystem, and starts the
#      image's own entrypoint (the store node) in a chroot as the image's non-root user, with -bootstrap, until
#      /health answers; then asks ringctl, run from the image too, for the cluster status; then SIGTERM.
# Needs root (chroot, mount), a JDK 17 with jlink, umoci, skopeo, jq and curl (.ci/run installs them).
# Every step is bounded in time; every process and temporary folder it made is removed on exit.
# MVN_ARGS adds Maven options (e.g. -o); KEEP_IMAGE=PATH copies the image tarball there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
say() { echo "image: $*" >&2; }
die() { say "FAILED: $*"; exit 1; }

[[ $(id -u) == 0 ]] || die "needs root (chroot and mount); CI runs as root"
for tool in umoci skopeo jq curl chroot mount; do
  command -v "$tool" >/dev/null || die "$tool is missing (Debian: apt-get install umoci skopeo jq curl)"
done
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
[[ -x "$java_home/bin/jlink" ]] || die "no jlink in $java_home (a JDK 17 is needed, not a JRE)"

chroot_bin="$(command -v chroot)"
work="$(mktemp -d "${TMPDIR:-/tmp}/ringcache-image.XXXXXX")"
pid=""
rootfs="$work/bundle/rootfs"
cleanup() {
  local rc=$?
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if mountpoint -q "$rootfs/proc" 2>/dev/null; then umount "$rootfs/proc" || umount -l "$rootfs/proc" || true; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. The base: a jlink'd runtime (a JDK's modules incl. jdk.compiler: Chronicle compiles code at run time).
start=$SECONDS
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.scripting,java.security.jgss,java.sql,java.xml,jdk.attach,jdk.compiler,jdk.crypto.ec,jdk.httpserver,jdk.jcmd,jdk.jfr,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs
base="$work/base-rootfs"
timeout 300 "$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$base/opt/java"
# The shared libraries the runtime links against (and the dynamic loader), at the same paths.
find "$base/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
  | xargs -0 ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(/ { print $1 }' | sort -u \
  | while read -r lib; do cp -L --parents "$lib" "$base"; done
mkdir -p "$base/etc" "$base/tmp" "$base/data" "$base/usr/bin" "$base/bin"
chmod 1777 "$base/tmp"
chown 10001:10001 "$base/data"
printf 'root:x:0:0:root:/root:/sbin/nologin\nringcache:x:10001:10001:ringcache:/data:/sbin/nologin\n' > "$base/etc/passwd"
printf 'root:x:0:\nringcache:x:10001:\n' > "$base/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$base/etc/hosts"
printf 'hosts: files dns\n' > "$base/etc/nsswitch.conf"
timeout 120 umoci init --layout "$work/base-oci"
timeout 120 umoci new --image "$work/base-oci:17"
timeout 300 umoci insert --image "$work/base-oci:17" "$base" /
timeout 120 umoci config --image "$work/base-oci:17" --os linux --architecture amd64 \
  --config.env PATH=/opt/java/bin:/usr/bin:/bin --config.env JAVA_HOME=/opt/java
timeout 300 skopeo copy --quiet "oci:$work/base-oci:17" "docker-archive:$work/base.tar:ringcache-base:17"
rm -rf "$base" "$work/base-oci"
say "base image from $java_home: $(du -h "$work/base.tar" | cut -f1) in $((SECONDS - start)) s"

# 2. The ringcache image with Jib, as a tarball.
start=$SECONDS
# shellcheck disable=SC2086
(cd "$root" && timeout 900 ./mvnw -B -q ${MVN_ARGS:-} -Pimage -pl deploy -am -DskipTests package \
  -Dimage.base="tar://$work/base.tar" -Dimage.tar="$work/ringcache.tar")
[[ -s "$work/ringcache.tar" ]] || die "Jib wrote no image tarball"
say "image tarball (Jib): $(du -h "$work/ringcache.tar" | cut -f1) in $((SECONDS - start)) s"
if [[ -n "${KEEP_IMAGE:-}" ]]; then cp "$work/ringcache.tar" "$KEEP_IMAGE"; fi

# 3. Unpack and run the image's own entrypoint, as its own user, in a chroot.
timeout 300 skopeo copy --quiet "docker-archive:$work/ringcache.tar" "oci:$work/oci:run"
timeout 300 umoci unpack --image "$work/oci:run" "$work/bundle" >/dev/null
config="$work/bundle/config.json"
mapfile -t entry < <(jq -r '.process.args[]' "$config")
mapfile -t envs < <(jq -r '.process.env[]' "$config")
uid="$(jq -r '.process.user.uid' "$config")"; gid="$(jq -r '.process.user.gid' "$config")"
say "entrypoint: ${entry[*]} (user $uid:$gid; env ${envs[*]})"
[[ "$uid" != 0 ]] || die "the image runs as root"
grep -q -- '--add-opens=java.base/java.lang=ALL-UNNAMED' "$rootfs/app/jvm.args" \
  || die "/app/jvm.args does not hold the flags of jvm.properties"
mkdir -p "$rootfs/proc" "$rootfs/data"
chown "$uid:$gid" "$rootfs/data"
mount -t proc proc "$rootfs/proc"

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}
http=$(free_port); grpc=$(free_port); raft=$(free_port)
log="$work/store.log"
env -i "${envs[@]}" "$chroot_bin" --userspec="$uid:$gid" "$rootfs" "${entry[@]}" \
  -node_id image-check -http_addr "127.0.0.1:$http" -grpc_addr "127.0.0.1:$grpc" -raft_addr "127.0.0.1:$raft" \
  -raft_dir /data/raft -bootstrap -shards 2 -shard_memory_mb 16 >"$log" 2>&1 &
pid=$!
start=$SECONDS
health=""
while (( SECONDS - start < 120 )); do
  if ! kill -0 "$pid" 2>/dev/null; then tail -n 40 "$log" >&2; die "the store node in the image exited"; fi
  if grep -q 'Exception in thread "main"' "$log"; then tail -n 40 "$log" >&2; die "the store node in the image failed to start"; fi
  if health="$(curl -fsS --max-time 2 "http://127.0.0.1:$http/health" 2>/dev/null)"; then break; fi
  health=""
  sleep 1
done
[[ -n "$health" ]] || { tail -n 40 "$log" >&2; die "/health did not answer within 120 s"; }
say "store node from the image answers /health after $((SECONDS - start)) s: $health"
ready=""
while (( SECONDS - start < 120 )); do
  if ready="$(curl -fsS --max-time 2 "http://127.0.0.1:$http/ready" 2>/dev/null)"; then break; fi
  ready=""
  sleep 1
done
say "/ready: ${ready:-not ready within 120 s}"
# ringctl and the placement driver's launcher, from the same image (the Kubernetes manifests run both).
status="$(env -i "${envs[@]}" "$(command -v timeout)" 60 "$chroot_bin" --userspec="$uid:$gid" "$rootfs" java -cp @/app/jib-classpath-file \
  io.ringcache.placement.app.ringctl.RingctlMain --pd "127.0.0.1:$grpc" status 2>&1)" \
  || { echo "$status" >&2; die "ringctl status from the image failed"; }
say "ringctl status (from the image):"; echo "$status" >&2
pdv="$(env -i "${envs[@]}" "$(command -v timeout)" 60 "$chroot_bin" --userspec="$uid:$gid" "$rootfs" java -cp @/app/jib-classpath-file \
  io.ringcache.placement.app.PlacementDriverMain --version 2>&1 | grep -v '^NOTE: Picked up')" \
  || die "the placement driver's launcher does not run from the image"
say "placement driver launcher (from the image): $pdv"
# SIGTERM: leaders handed off, groups closed, process gone within the Kubernetes grace period.
kill -TERM "$pid"
stop=$SECONDS
for _ in $(seq 1 45); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$pid" 2>/dev/null; then die "the store node did not stop within 45 s of SIGTERM"; fi
wait "$pid" 2>/dev/null || true
pid=""
say "stopped $((SECONDS - stop)) s after SIGTERM"
[[ -n "$ready" ]] || die "/ready never answered 200"
say "OK: image built with Jib on a jlink base, store node ran from it and answered /health"
