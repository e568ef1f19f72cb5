#!/usr/bin/env bash
# Registers gVisor (Debian's runsc) with the Docker engine as runtime "runsc",
# for the tiers whose config says "runtime": "runsc" (issue 13). Under Docker
# runsc runs only in its --network=host mode (the container still gets Docker's
# own network namespace and bridge address); its netstack mode refuses to run
# in a namespace with the network enabled. Idempotent: merges the runtime into
# /etc/docker/daemon.json and asks dockerd to reload (SIGHUP; no restart).
# Exit 0 with a note when runsc is not installed (apps then run under runc).
set -euo pipefail
say() { echo "gvisor.sh: $*" >&2; }
conf=${SPAWN_DOCKERD_CONFIG:-/etc/docker/daemon.json}
runsc=$(command -v runsc || true)
if [ -z "$runsc" ]; then
  say "runsc is not installed (apt-get install runsc): tiers can only use runc"
  exit 0
fi
if docker info -f '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'; then
  say "runtime runsc is registered with the Docker engine ($runsc)"
  exit 0
fi
mkdir -p "$(dirname "$conf")"
[ -s "$conf" ] || echo '{}' >"$conf"
tmp=$(mktemp)
jq --arg path "$runsc" '.runtimes.runsc = {path: $path, runtimeArgs: ["--network=host"]}' \
  "$conf" >"$tmp"
mv "$tmp" "$conf"
pid=$(cat /var/run/docker.pid 2>/dev/null || pgrep -xo dockerd || true)
[ -n "$pid" ] || { say "no dockerd running: runsc registered for its next start"; exit 0; }
kill -HUP "$pid"
for _ in $(seq 1 50); do
  if docker info -f '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'; then
    say "registered runtime runsc with the Docker engine ($runsc, --network=host)"
    exit 0
  fi
  sleep 0.1
done
say "dockerd did not pick up runsc from $conf"
exit 1
