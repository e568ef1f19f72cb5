#!/usr/bin/env bash
# Builds the app runtime image spawnai/runtime-node:1 locally, without any registry.
#
# The image is a minimal root filesystem assembled from this host's own binaries:
# /usr/bin/node, every shared library ldd lists for it (and the dynamic loader),
# /etc/passwd and /etc/group with nobody (65534), /tmp, the /srv/slot mount point
# and /runtime/runner.js. It is imported with `docker import`.
#
# Idempotent and quick when up to date: the image carries the label
# spawnai.runner_sha, a hash of runner.js, this script and the node binary's
# identity; a matching image is reused, anything else is rebuilt.
# Prints the image name on stdout (and nothing else there).
#
# Environment: SPAWN_RUNTIME_IMAGE (default spawnai/runtime-node:1),
#              SPAWN_FORCE_REBUILD=1 to rebuild regardless.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
image="${SPAWN_RUNTIME_IMAGE:-spawnai/runtime-node:1}"
runner="$here/runner.js"

say() { echo "build-images.sh: $*" >&2; }

# The engine must answer before anything else.
"$here/../scripts/dockerd.sh" >/dev/null 2>&1 || {
  "$here/../scripts/dockerd.sh" || true
  say "no Docker engine; cannot build $image"
  exit 1
}

if ! command -v node >/dev/null 2>&1; then
  say "node is missing; installing Debian's nodejs"
  DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs >/dev/null \
    || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive \
         apt-get install -y nodejs >/dev/null; }
fi
node_bin="$(readlink -f "$(command -v node)")"

# One builder at a time (parallel test runs call this too).
exec 9>"/tmp/spawnai-build-images.lock"
flock 9

want_sha="$( {
  sha256sum "$runner" "${BASH_SOURCE[0]}" | cut -d' ' -f1
  stat -c '%s %Y' "$node_bin"
  "$node_bin" --version
} | sha256sum | cut -c1-32)"

have_sha="$(docker image inspect -f '{{ index .Config.Labels "spawnai.runner_sha" }}' \
  "$image" 2>/dev/null || true)"
if [ "$have_sha" = "$want_sha" ] && [ "${SPAWN_FORCE_REBUILD:-0}" != 1 ]; then
  say "$image is up to date (runner_sha $want_sha)"
  echo "$image"
  exit 0
fi

old_id="$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)"
say "building $image (runner_sha $want_sha, node $("$node_bin" --version))"
started=$(date +%s%N)
root="$(mktemp -d /tmp/spawnai-rootfs.XXXXXX)"
trap 'rm -rf "$root"' EXIT

# Copies a host file to the same path under the rootfs, following symlinks.
copy_in() {
  local src="$1"
  mkdir -p "$root$(dirname "$src")"
  cp -L "$src" "$root$src"
}

copy_in "$node_bin"
[ "$node_bin" = /usr/bin/node ] || { mkdir -p "$root/usr/bin"; cp -L "$node_bin" "$root/usr/bin/node"; }
# ldd lines: "libx.so => /path (0x..)" or "/lib64/ld-linux-x86-64.so.2 (0x..)".
while read -r lib; do
  copy_in "$lib"
done < <(ldd "$node_bin" | grep -oE '/[^ ]+' | sort -u)

mkdir -p "$root/etc" "$root/tmp" "$root/srv/slot" "$root/runtime" "$root/bin"
chmod 1777 "$root/tmp"
cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat > "$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo 'hosts: files dns' > "$root/etc/nsswitch.conf"
install -m 0644 "$runner" "$root/runtime/runner.js"
chmod -R a+rX "$root"

tar -C "$root" --numeric-owner --owner=0 --group=0 -cf - . \
  | docker import \
      --change 'CMD ["node","/runtime/runner.js"]' \
      --change 'WORKDIR /srv/slot' \
      --change 'USER 65534:65534' \
      --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
      --change 'EXPOSE 8080' \
      --change "LABEL spawnai.runner_sha=$want_sha" \
      --change "LABEL spawnai.node_version=$("$node_bin" --version)" \
      --message "spawnai runtime (node + runner.js)" \
      - "$image" >/dev/null

# Smoke check: the image's node must run.
if ! docker run --rm --network none --read-only "$image" node -e 'process.exit(0)' \
    >/dev/null 2>&1; then
  say "the built image cannot run node; see: docker run --rm $image node --version"
  exit 1
fi
new_id="$(docker image inspect -f '{{.Id}}' "$image")"
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  # The previous build is now untagged; drop it unless containers still use it.
  docker rmi "$old_id" >/dev/null 2>&1 || true
fi
say "built $image in $(( ($(date +%s%N) - started) / 1000000 )) ms"
echo "$image"
