#!/usr/bin/env bash
# Host firewall for the app network (DESIGN §6): an app container may not open
# connections to the host itself (spawnd, PostgreSQL, the Docker API, Caddy's
# admin API, published ports of other apps), on any host address. Replies to
# connections the host opens (Caddy and docker-proxy reaching an app) pass.
# Idempotent: rebuilds the chain SPAWNAI-APPS-IN and hooks it into INPUT once.
# Usage: firewall.sh [network] (default spawnai-apps).
set -euo pipefail
net=${1:-spawnai-apps}
say() { echo "firewall.sh: $*" >&2; }

id=$(docker network inspect -f '{{.Id}}' "$net")
bridge=$(docker network inspect -f '{{index .Options "com.docker.network.bridge.name"}}' "$net")
[ -n "$bridge" ] && [ "$bridge" != "<no value>" ] || bridge="br-${id:0:12}"

for ipt in iptables ip6tables; do
  command -v $ipt >/dev/null || continue
  $ipt -w -L SPAWNAI-APPS-IN -n >/dev/null 2>&1 || $ipt -w -N SPAWNAI-APPS-IN
  $ipt -w -F SPAWNAI-APPS-IN
  $ipt -w -A SPAWNAI-APPS-IN -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  $ipt -w -A SPAWNAI-APPS-IN -p tcp -j REJECT --reject-with tcp-reset
  $ipt -w -A SPAWNAI-APPS-IN -j REJECT
  $ipt -w -C INPUT -i "$bridge" -j SPAWNAI-APPS-IN 2>/dev/null \
    || $ipt -w -I INPUT 1 -i "$bridge" -j SPAWNAI-APPS-IN
done
say "containers on $net ($bridge) cannot open connections to this host"
