#!/usr/bin/env bash
# A second Docker engine on this machine, reachable only over TCP + TLS with
# client certificates: what a remote host (issue 17) looks like to spawnd.
#
# Usage: docker-host.sh start|stop|status NAME ADDR
#   NAME  short name (t1, do-7, ...): its state lives under $SPAWN_HOSTS_DIR/NAME
#   ADDR  a loopback address (127.0.0.x) it listens on: engine API on ADDR:2376
#         (TLS, --tlsverify) and app ports published on ADDR
# Prints on stdout (start, status): `tcp://ADDR:2376 TLS_DIR` where TLS_DIR has
# ca.pem, cert.pem, key.pem (the client certificate spawnd presents).
#
# Environment:
#   SPAWN_HOSTS_DIR   data roots (default /var/lib/spawnai-hosts)
#   SPAWN_HOSTS_RUN   exec roots and sockets, kept short (default /run/spawnai-hosts)
#   SPAWN_HOSTS_TLS   the installation's CA and client cert (default $SPAWN_HOSTS_DIR/tls)
#   SPAWN_RUNTIME_IMAGE  copied from the main engine when missing (default
#                     spawnai/runtime-node:1; SPAWN_HOST_NO_IMAGE=1 skips the copy)
#
# Why it is built this way (the CI failure of the first branch, found on a
# fresh machine; see README "Remote Docker hosts"): two dockerd on one kernel
# share the iptables DOCKER, DOCKER-ISOLATION-* and nat DOCKER chains and, by
# default, the bridge docker0. A second daemon with --iptables=true rebuilds
# those chains when it starts, which drops the main engine's rules, and its
# default docker0 (or an address pool) lands on the main engine's bridge or
# subnet, so a published port's docker-proxy connects to an address routed to
# the other daemon's bridge: "connection reset by peer" or a silent hang.
# --bridge=none is no way out: a daemon without a bridge deletes the
# interface docker0 at start (the main engine's!). Hence: a default bridge of
# its own, spn0-NAME (10.212.<last octet>.1/24, made here), --iptables=false and
# --ip-masq=false (it never touches the shared chains), the userland proxy
# (loopback publishing needs no NAT), one user network `spawnai-apps` with an
# explicit subnet 10.213.<last octet>.0/24 that no other daemon uses, and this
# script's own INPUT rule so apps on it cannot reach the host either. Bridged
# traffic between its containers meets FORWARD's DROP policy (br_netfilter),
# which is what enable_icc=false asks for.
set -euo pipefail

cmd=${1:-}
name=${2:-}
addr=${3:-}
say() { echo "docker-host.sh: $*" >&2; }
usage() { say "usage: docker-host.sh start|stop|status NAME ADDR"; exit 2; }
[[ "$cmd" =~ ^(start|stop|status)$ ]] || usage
[[ "$name" =~ ^[a-z0-9][a-z0-9-]{0,9}$ ]] || { say "bad NAME '$name'"; usage; }
[[ "$addr" =~ ^127\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] \
  || { say "ADDR must be a loopback address 127.x.y.z, not '$addr'"; usage; }
last=${BASH_REMATCH[3]}
[ "$last" -ge 2 ] && [ "$last" -le 254 ] || { say "ADDR's last octet must be 2..254"; exit 2; }

data_root=${SPAWN_HOSTS_DIR:-/var/lib/spawnai-hosts}/$name
run_dir=${SPAWN_HOSTS_RUN:-/run/spawnai-hosts}/$name
tls=${SPAWN_HOSTS_TLS:-${SPAWN_HOSTS_DIR:-/var/lib/spawnai-hosts}/tls}
pid_file=$run_dir/dockerd.pid
socket=$run_dir/docker.sock
log_file=$data_root.log
subnet=10.213.$last.0/24
bridge=spn-$name
default_bridge=spn0-$name
default_cidr=10.212.$last.1/24
chain=SPAWNAI-HOST-$name
image=${SPAWN_RUNTIME_IMAGE:-spawnai/runtime-node:1}
endpoint=tcp://$addr:2376

running() { [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }
local_docker() { DOCKER_HOST=unix://$socket docker "$@"; }
answers() {
  curl -s -m 3 --cacert "$tls/ca.pem" --cert "$tls/cert.pem" --key "$tls/key.pem" \
    "https://$addr:2376/_ping" 2>/dev/null | grep -qx OK
}

# One CA per installation; a client certificate for spawnd; a server
# certificate per host whose subject names ADDR (spawnd verifies it).
make_tls() {
  mkdir -p "$tls" && chmod 700 "$tls"
  exec 8>"$tls/.lock"
  flock 8
  if [ ! -f "$tls/ca.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=SpawnAI hosts CA" \
      -keyout "$tls/ca-key.pem" -out "$tls/ca.pem" 2>/dev/null
    say "made the installation's host CA ($tls/ca.pem)"
  fi
  if [ ! -f "$tls/cert.pem" ]; then
    openssl req -newkey rsa:2048 -nodes -subj "/CN=spawnd" -keyout "$tls/key.pem" \
      -out "$tls/client.csr" 2>/dev/null
    openssl x509 -req -in "$tls/client.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca-key.pem" \
      -CAcreateserial -days 3650 -out "$tls/cert.pem" \
      -extfile <(echo "extendedKeyUsage=clientAuth") 2>/dev/null
    rm -f "$tls/client.csr"
  fi
  if [ ! -f "$data_root-tls/server.pem" ]; then
    mkdir -p "$data_root-tls"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$addr" \
      -keyout "$data_root-tls/server-key.pem" -out "$data_root-tls/server.csr" 2>/dev/null
    openssl x509 -req -in "$data_root-tls/server.csr" -CA "$tls/ca.pem" \
      -CAkey "$tls/ca-key.pem" -CAcreateserial -days 3650 -out "$data_root-tls/server.pem" \
      -extfile <(printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$addr") \
      2>/dev/null
    rm -f "$data_root-tls/server.csr"
  fi
  chmod 600 "$tls"/*key.pem "$data_root-tls/server-key.pem"
  flock -u 8
}

# Apps on this engine may not open connections to the host (as firewall.sh
# does for the main engine's spawnai-apps); replies to docker-proxy pass.
host_firewall() {
  iptables -w -L "$chain" -n >/dev/null 2>&1 || iptables -w -N "$chain"
  iptables -w -F "$chain"
  iptables -w -A "$chain" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  iptables -w -A "$chain" -p tcp -j REJECT --reject-with tcp-reset
  iptables -w -A "$chain" -j REJECT
  local br
  for br in "$bridge" "$default_bridge"; do
    iptables -w -C INPUT -i "$br" -j "$chain" 2>/dev/null \
      || iptables -w -I INPUT 1 -i "$br" -j "$chain"
  done
}

start() {
  [ "$(id -u)" = 0 ] || { say "starting dockerd needs root"; exit 1; }
  make_tls
  mkdir -p "$data_root" "$run_dir"
  if running && answers; then
    say "$name already answers on $endpoint"
  else
    if running; then
      say "$name (pid $(cat "$pid_file")) runs but does not answer; waiting"
    else
      rm -f "$pid_file" "$socket"
      if ! ip link show "$default_bridge" >/dev/null 2>&1; then
        ip link add "$default_bridge" type bridge
        ip addr add "$default_cidr" dev "$default_bridge"
        ip link set "$default_bridge" up
      fi
      say "starting $name on $endpoint (log: $log_file)"
      # Close inherited descriptors above 2 (a test's lock file, a pipe).
      nohup setsid bash -c 'for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null; exec dockerd "$@"' \
        dockerd --data-root "$data_root" --exec-root "$run_dir/exec" --pidfile "$pid_file" \
        -H "unix://$socket" -H "$endpoint" --tlsverify \
        --tlscacert "$tls/ca.pem" --tlscert "$data_root-tls/server.pem" \
        --tlskey "$data_root-tls/server-key.pem" \
        --bridge="$default_bridge" --iptables=false --ip-masq=false --ip-forward=false \
        --userland-proxy=true --ip "$addr" \
        >>"$log_file" 2>&1 </dev/null &
    fi
    for ((i = 0; i < 150; i++)); do answers && break; sleep 0.2; done
    answers || { say "$name did not answer on $endpoint; log tail:"; tail -n 20 "$log_file" >&2; exit 1; }
  fi
  if ! local_docker network inspect spawnai-apps >/dev/null 2>&1; then
    local_docker network create --driver bridge --subnet "$subnet" \
      -o com.docker.network.bridge.name="$bridge" \
      -o com.docker.network.bridge.enable_icc=false spawnai-apps >/dev/null
    say "$name: created network spawnai-apps ($subnet on $bridge)"
  fi
  host_firewall
  if [ "${SPAWN_HOST_NO_IMAGE:-0}" != 1 ] && ! local_docker image inspect "$image" >/dev/null 2>&1 \
     && docker image inspect "$image" >/dev/null 2>&1; then
    docker save "$image" | local_docker load >/dev/null
    say "$name: loaded $image from the main engine"
  fi
  echo "$endpoint $tls"
}

stop() {
  if running; then
    local pid
    pid=$(cat "$pid_file")
    say "stopping $name (pid $pid)"
    kill "$pid"
    for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && { say "$name did not stop; killing"; kill -9 "$pid"; }
  else
    say "$name is not running"
  fi
  # The chain and bridges stay: a restart reuses them; the rules stay in force.
  return 0
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status)
    if running && answers; then echo "$endpoint $tls"; else say "$name is down"; exit 3; fi ;;
esac
