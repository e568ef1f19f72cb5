#!/usr/bin/env bash
# Builds the builder sandbox image spawnai/builder-node:1 locally (issue 18),
# without any registry, from the same base as the runtime image: this host's
# node and every library it needs, plus npm (/usr/lib/node_modules/npm),
# /bin/sh for npm scripts, and /builder/build.js. Idempotent: the label
# spawnai.builder_sha (build.js, this script, node, npm) is compared first.
# Prints the image name on stdout. Environment: SPAWN_BUILDER_IMAGE,
# SPAWN_FORCE_REBUILD=1.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
image="${SPAWN_BUILDER_IMAGE:-spawnai/builder-node:1}"
script="$here/builder/build.js"
say() { echo "build-builder.sh: $*" >&2; }

command -v node >/dev/null || { say "node is missing"; exit 1; }
node_bin="$(readlink -f "$(command -v node)")"
npm_dir=/usr/lib/node_modules/npm
[ -f "$npm_dir/bin/npm-cli.js" ] || npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
[ -f "$npm_dir/bin/npm-cli.js" ] || { say "npm is missing (no npm-cli.js)"; exit 1; }

exec 9>"/tmp/spawnai-build-builder.lock"
flock 9
want_sha="$( {
  sha256sum "$script" "${BASH_SOURCE[0]}" | cut -d' ' -f1
  stat -c '%s %Y' "$node_bin"
  "$node_bin" --version
  cat "$npm_dir/package.json" | sha256sum
  sha256sum /etc/ssl/certs/ca-certificates.crt
} | sha256sum | cut -c1-32)"
have_sha="$(docker image inspect -f '{{ index .Config.Labels "spawnai.builder_sha" }}' \
  "$image" 2>/dev/null || true)"
if [ "$have_sha" = "$want_sha" ] && [ "${SPAWN_FORCE_REBUILD:-0}" != 1 ]; then
  say "$image is up to date"
  echo "$image"
  exit 0
fi
started=$(date +%s%N)
root="$(mktemp -d /tmp/spawnai-builderfs.XXXXXX)"
trap 'rm -rf "$root"' EXIT
copy_in() {
  mkdir -p "$root$(dirname "$1")"
  cp -L "$1" "$root$1"
}
sh_bin="$(readlink -f /bin/sh)"
env_bin="$(readlink -f /usr/bin/env)"
for bin in "$node_bin" "$sh_bin" "$env_bin"; do
  copy_in "$bin"
  while read -r lib; do copy_in "$lib"; done < <(ldd "$bin" | grep -oE '/[^ ]+' | sort -u)
done
# Native addons of common build tools (rollup; esbuild is static) need glibc's usual set.
for lib in libgcc_s.so.1 libstdc++.so.6 librt.so.1 libdl.so.2 libpthread.so.0 libm.so.6 libresolv.so.2 libutil.so.1 libz.so.1; do
  p="$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF}' | head -n 1)" || true
  if [ -n "$p" ]; then copy_in "$p"; fi
done
mkdir -p "$root/usr/bin" "$root/bin" "$root/usr/lib/node_modules" "$root/etc" "$root/tmp" \
  "$root/src" "$root/work" "$root/out" "$root/cache" "$root/builder"
[ "$node_bin" = /usr/bin/node ] || cp -L "$node_bin" "$root/usr/bin/node"
cp -L "$sh_bin" "$root/bin/sh"
# Package binaries start with #!/usr/bin/env node.
[ "$env_bin" = /usr/bin/env ] || cp -L "$env_bin" "$root/usr/bin/env"
cp -a "$npm_dir" "$root/usr/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/bin/npx"
chmod 1777 "$root/tmp"
cat > "$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/work:/usr/sbin/nologin
P
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
echo 'hosts: files dns' > "$root/etc/nsswitch.conf"
install -m 0644 "$script" "$root/builder/build.js"
# The host's trust store (an operator's own CA included) for the registry's TLS.
mkdir -p "$root/etc/ssl/certs"
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
chmod -R a+rX "$root"
tar -C "$root" --numeric-owner --owner=0 --group=0 -cf - . \
  | docker import \
      --change 'CMD ["node","/builder/build.js"]' \
      --change 'WORKDIR /work' \
      --change 'USER 65534:65534' \
      --change 'ENV PATH=/work/app/node_modules/.bin:/usr/local/bin:/usr/bin:/bin HOME=/work npm_config_cache=/work/.npm-cache NEXT_TELEMETRY_DISABLED=1 npm_config_update_notifier=false NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm_config_cafile=/etc/ssl/certs/ca-certificates.crt' \
      --change "LABEL spawnai.builder_sha=$want_sha" \
      --message "spawnai builder (node + npm + build.js)" \
      - "$image" >/dev/null
docker run --rm --network none --read-only "$image" node /usr/bin/npm --version >/dev/null \
  || { say "the built image cannot run npm"; exit 1; }
say "built $image in $(( ($(date +%s%N) - started) / 1000000 )) ms"
echo "$image"
