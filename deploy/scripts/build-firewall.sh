#!/usr/bin/env bash
# The network of the builder sandbox (issue 18) and its firewall. Idempotent:
# creates the bridge spawnai-build (no traffic between containers) when it is
# missing, then rebuilds its own chains and hooks them in once.
#
# In: SPAWNAI-BUILD-IN (from INPUT): a build may not open connections to the
# host (spawnd, PostgreSQL, the Docker API, Caddy's admin API) on any address.
# Out: SPAWNAI-BUILD-OUT (from DOCKER-USER): a build reaches the npm registry
# only: TCP 443 to the addresses registry.npmjs.org resolves to now (or the
# hosts in SPAWN_SOURCE_REGISTRY_HOSTS, separated by spaces or commas);
# everything else is refused but DNS (port 53) to the host's nameservers,
# which Docker's embedded resolver asks from inside the container's namespace.
# Usage: build-firewall.sh [network] (default spawnai-build).
set -euo pipefail
net=${1:-spawnai-build}
say() { echo "build-firewall.sh: $*" >&2; }
hosts=${SPAWN_SOURCE_REGISTRY_HOSTS:-registry.npmjs.org}
if ! docker network inspect "$net" >/dev/null 2>&1; then
  docker network create --driver bridge \
    -o com.docker.network.bridge.enable_icc=false "$net" >/dev/null
  say "created docker network $net"
fi
id=$(docker network inspect -f '{{.Id}}' "$net")
bridge=$(docker network inspect -f '{{index .Options "com.docker.network.bridge.name"}}' "$net")
[ -n "$bridge" ] && [ "$bridge" != "<no value>" ] || bridge="br-${id:0:12}"
mapfile -t addrs < <(for h in ${hosts//,/ }; do getent ahostsv4 "$h" | awk '{print $1}'; done | sort -u)
mapfile -t dns < <(awk '$1 == "nameserver" && $2 !~ /:/ {print $2}' /etc/resolv.conf)
[ "${#addrs[@]}" -gt 0 ] || say "warning: ${hosts} did not resolve; builds cannot install"

for ipt in iptables ip6tables; do
  command -v $ipt >/dev/null || continue
  $ipt -w -L SPAWNAI-BUILD-IN -n >/dev/null 2>&1 || $ipt -w -N SPAWNAI-BUILD-IN
  $ipt -w -F SPAWNAI-BUILD-IN
  $ipt -w -A SPAWNAI-BUILD-IN -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  $ipt -w -A SPAWNAI-BUILD-IN -p tcp -j REJECT --reject-with tcp-reset
  $ipt -w -A SPAWNAI-BUILD-IN -j REJECT
  $ipt -w -C INPUT -i "$bridge" -j SPAWNAI-BUILD-IN 2>/dev/null \
    || $ipt -w -I INPUT 1 -i "$bridge" -j SPAWNAI-BUILD-IN
  $ipt -w -L DOCKER-USER -n >/dev/null 2>&1 || $ipt -w -N DOCKER-USER
  $ipt -w -C FORWARD -j DOCKER-USER 2>/dev/null || $ipt -w -I FORWARD 1 -j DOCKER-USER
  $ipt -w -L SPAWNAI-BUILD-OUT -n >/dev/null 2>&1 || $ipt -w -N SPAWNAI-BUILD-OUT
  $ipt -w -F SPAWNAI-BUILD-OUT
  $ipt -w -A SPAWNAI-BUILD-OUT -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
  if [ $ipt = iptables ]; then
    for a in "${addrs[@]}"; do
      $ipt -w -A SPAWNAI-BUILD-OUT -d "$a" -p tcp --dport 443 -j RETURN
    done
    for d in "${dns[@]}"; do
      $ipt -w -A SPAWNAI-BUILD-OUT -d "$d" -p udp --dport 53 -j RETURN
      $ipt -w -A SPAWNAI-BUILD-OUT -d "$d" -p tcp --dport 53 -j RETURN
    done
  fi
  $ipt -w -A SPAWNAI-BUILD-OUT -p tcp -j REJECT --reject-with tcp-reset
  $ipt -w -A SPAWNAI-BUILD-OUT -j REJECT
  $ipt -w -C DOCKER-USER -i "$bridge" -j SPAWNAI-BUILD-OUT 2>/dev/null \
    || $ipt -w -I DOCKER-USER 1 -i "$bridge" -j SPAWNAI-BUILD-OUT
done
say "builds on $net ($bridge) reach only ${hosts} (${addrs[*]:-none}) on 443 (DNS: ${dns[*]:-none}); never this host"
