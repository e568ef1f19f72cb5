#!/usr/bin/env bash
# Installs the Debian packages SpawnAI needs to build, test and run, only those
# that are missing. Needs root (or sudo) and Debian's package archive.
set -euo pipefail

packages=(
  # build
  build-essential cmake ccache pkg-config git curl ca-certificates
  # libraries
  libcaf-dev librestinio-dev libasio-dev libfmt-dev libhttp-parser-dev
  nlohmann-json3-dev libpqxx-dev libarchive-dev libspdlog-dev libgtest-dev
  libcurl4-openssl-dev libssl-dev prometheus-cpp-dev
  # real components
  postgresql docker.io bubblewrap iproute2
  # the edge: Caddy, the Pebble ACME test CA, the app firewall, the load generator
  caddy pebble iptables openssl wrk
  # app sandboxing: gVisor (per tier), the egress policy's reader of spawnd.json
  runsc jq
  # browser tests (template apps, web UI)
  chromium
)
# The runtime image is built from the host's Node.js; any nodejs package will do.
command -v node >/dev/null 2>&1 || packages+=(nodejs)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps.sh: all packages present" >&2
  exit 0
fi
echo "install-deps.sh: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
