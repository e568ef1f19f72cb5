#!/usr/bin/env bash
# Host firewall for the app network (DESIGN §6, issue 13). Idempotent: each run
# rebuilds its own chains and hooks them in once, so running it again (the
# set-up does, e.g. after a reboot flushed the rules) restores the policy.
#
# In: SPAWNAI-APPS-IN (from INPUT): an app container may not open connections
# to the host itself (spawnd, PostgreSQL, the Docker API, Caddy's admin API,
# published ports of other apps) on any host address. Replies to connections
# the host opens (Caddy and docker-proxy reaching an app) pass.
#
# Out: SPAWNAI-APPS-OUT (from DOCKER-USER, which Docker consults first in
# FORWARD): apps have no egress by default. Link-local (169.254.0.0/16, the
# cloud metadata address) and private, shared, loopback, multicast and
# reserved ranges are refused always; public destinations only when the
# operator allows egress, or per allowlist entry.
#
# Policy: runtime.egress ("deny" or "allow") and runtime.egress_allow (list of
# "host:port", "ip:port", "cidr:port" or ":port") in the spawnd config file
# (SPAWN_CONFIG, default configs/spawnd.json), overridden by SPAWN_RUNTIME_EGRESS
# and SPAWN_RUNTIME_EGRESS_ALLOW (separated by commas, as spawnd reads it, or
# spaces). spawnd checks both keys at start (infra/config_table.cpp). Host names
# are resolved when the rules are built.
#
# Between apps (SPAWNAI-APPS-OUT too): nothing, whatever the engine's
# inter-container setting; the apps run on the engine's default bridge, which
# has no embedded DNS, so an app cannot learn its neighbours' names either
# (a user-defined network's DNS at 127.0.0.11 answers them, PTR included).
# When egress is allowed or allowlisted, the host's resolvers (from
# /etc/resolv.conf, port 53) are reachable too, even in private ranges.
# Per session: chain SPAWNAI-EGRESS, kept by spawnd (actors/egress_keeper.hpp).
#
# Usage: firewall.sh [network] (default bridge, the engine's default bridge).
set -euo pipefail
cd "$(dirname "$0")/../.."
net=${1:-bridge}
say() { echo "firewall.sh: $*" >&2; }

config=${SPAWN_CONFIG:-configs/spawnd.json}
policy=deny
allow=()
if [ -f "$config" ] && command -v jq >/dev/null; then
  policy=$(jq -r '.runtime.egress // "deny"' "$config")
  mapfile -t allow < <(jq -r '.runtime.egress_allow // [] | .[]' "$config")
fi
policy=${SPAWN_RUNTIME_EGRESS:-$policy}
if [ -n "${SPAWN_RUNTIME_EGRESS_ALLOW+x}" ]; then
  read -r -a allow <<<"${SPAWN_RUNTIME_EGRESS_ALLOW//,/ }"
fi
case "$policy" in
  deny | allow) ;;
  *) say "runtime.egress must be deny or allow, not '$policy'"; exit 2 ;;
esac

# Bridged traffic between apps must pass through iptables for the rule
# between apps to apply (Docker sets this too for networks without ICC).
if [ "$(sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null)" != 1 ]; then
  modprobe br_netfilter 2>/dev/null || true
  for f in iptables ip6tables; do
    sysctl -qw net.bridge.bridge-nf-call-$f=1 2>/dev/null \
      || { [ -w /proc/sys/net/bridge/bridge-nf-call-$f ] && echo 1 >/proc/sys/net/bridge/bridge-nf-call-$f; } \
      || true
  done
  [ "$(sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null)" = 1 ] \
    || say "WARNING: net.bridge.bridge-nf-call-iptables is not 1 (br_netfilter): apps on one bridge can reach each other"
fi
# The host's resolvers, for apps allowed some egress (never otherwise).
mapfile -t resolvers < <(awk '$1 == "nameserver" {print $2}' /etc/resolv.conf 2>/dev/null)

id=$(docker network inspect -f '{{.Id}}' "$net")
bridge=$(docker network inspect -f '{{index .Options "com.docker.network.bridge.name"}}' "$net")
[ -n "$bridge" ] && [ "$bridge" != "<no value>" ] || bridge="br-${id:0:12}"

# Never reachable from an app, whatever the policy.
never4=(169.254.0.0/16 0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 172.16.0.0/12
        192.0.0.0/24 192.168.0.0/16 198.18.0.0/15 224.0.0.0/4 240.0.0.0/4)
never6=(fe80::/10 fc00::/7 ::1/128 ff00::/8 fd00:ec2::254/128)

# "dest:port" → lines "address port" (IPv4 and IPv6 by family).
resolve() {
  local entry=$1 host port
  host=${entry%:*}
  port=${entry##*:}
  [[ "$port" =~ ^[0-9]+$ ]] || { say "bad egress_allow entry '$entry' (want host:port)"; return 1; }
  if [ -z "$host" ]; then
    echo "any $port"
  elif [[ "$host" =~ ^[0-9.]+(/[0-9]+)?$ ]] || [[ "$host" == *:* ]]; then
    echo "$host $port"
  else
    getent ahosts "$host" | awk -v p="$port" '{print $1, p}' | sort -u
  fi
}

for ipt in iptables ip6tables; do
  command -v $ipt >/dev/null || continue
  $ipt -w -L SPAWNAI-APPS-IN -n >/dev/null 2>&1 || $ipt -w -N SPAWNAI-APPS-IN
  $ipt -w -F SPAWNAI-APPS-IN
  $ipt -w -A SPAWNAI-APPS-IN -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  $ipt -w -A SPAWNAI-APPS-IN -p tcp -j REJECT --reject-with tcp-reset
  $ipt -w -A SPAWNAI-APPS-IN -j REJECT
  $ipt -w -C INPUT -i "$bridge" -j SPAWNAI-APPS-IN 2>/dev/null \
    || $ipt -w -I INPUT 1 -i "$bridge" -j SPAWNAI-APPS-IN

  # Docker creates DOCKER-USER when it starts; make sure it exists before it does.
  $ipt -w -L DOCKER-USER -n >/dev/null 2>&1 || $ipt -w -N DOCKER-USER
  $ipt -w -C FORWARD -j DOCKER-USER 2>/dev/null || $ipt -w -I FORWARD 1 -j DOCKER-USER
  $ipt -w -L SPAWNAI-APPS-OUT -n >/dev/null 2>&1 || $ipt -w -N SPAWNAI-APPS-OUT
  $ipt -w -F SPAWNAI-APPS-OUT
  # Replies of connections made to an app pass; apps never reach each other.
  $ipt -w -A SPAWNAI-APPS-OUT -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
  $ipt -w -A SPAWNAI-APPS-OUT -o "$bridge" -j DROP
  if [ $ipt = iptables ]; then never=("${never4[@]}"); else never=("${never6[@]}"); fi
  if [ "$policy" = allow ] || [ ${#allow[@]} -gt 0 ]; then
    for r in "${resolvers[@]}"; do
      is6=0; [[ "$r" == *:* ]] && is6=1
      if { [ $ipt = iptables ] && [ $is6 = 0 ]; } || { [ $ipt = ip6tables ] && [ $is6 = 1 ]; }; then
        $ipt -w -A SPAWNAI-APPS-OUT -d "$r" -p udp --dport 53 -j RETURN
        $ipt -w -A SPAWNAI-APPS-OUT -d "$r" -p tcp --dport 53 -j RETURN
      fi
    done
  fi
  # Each session's own egress (its "egress" at creation, within
  # runtime.egress_permit): spawnd keeps chain SPAWNAI-EGRESS (never flushed
  # here), one rule per app address and destination, plus the resolvers.
  if [ $ipt = iptables ]; then
    $ipt -w -L SPAWNAI-EGRESS -n >/dev/null 2>&1 || $ipt -w -N SPAWNAI-EGRESS
    $ipt -w -A SPAWNAI-APPS-OUT -j SPAWNAI-EGRESS
  fi
  for range in "${never[@]}"; do
    $ipt -w -A SPAWNAI-APPS-OUT -d "$range" -p tcp -j REJECT --reject-with tcp-reset
    $ipt -w -A SPAWNAI-APPS-OUT -d "$range" -j REJECT
  done
  for entry in "${allow[@]}"; do
    while read -r addr port; do
      [ -n "$addr" ] || continue
      if [ "$addr" = any ]; then
        $ipt -w -A SPAWNAI-APPS-OUT -p tcp --dport "$port" -j RETURN
        $ipt -w -A SPAWNAI-APPS-OUT -p udp --dport "$port" -j RETURN
        continue
      fi
      is6=0; [[ "$addr" == *:* ]] && is6=1
      if { [ $ipt = iptables ] && [ $is6 = 0 ]; } || { [ $ipt = ip6tables ] && [ $is6 = 1 ]; }; then
        $ipt -w -A SPAWNAI-APPS-OUT -d "$addr" -p tcp --dport "$port" -j RETURN
      fi
    done < <(resolve "$entry")
  done
  if [ "$policy" = allow ]; then
    $ipt -w -A SPAWNAI-APPS-OUT -j RETURN
  else
    $ipt -w -A SPAWNAI-APPS-OUT -p tcp -j REJECT --reject-with tcp-reset
    $ipt -w -A SPAWNAI-APPS-OUT -j REJECT
  fi
  $ipt -w -C DOCKER-USER -i "$bridge" -j SPAWNAI-APPS-OUT 2>/dev/null \
    || $ipt -w -I DOCKER-USER 1 -i "$bridge" -j SPAWNAI-APPS-OUT
done
say "containers on $net ($bridge) cannot open connections to this host;" \
    "egress: $policy${allow[*]:+, allowed: ${allow[*]}}; private and link-local ranges never"
