#!/usr/bin/env bash
# Several SpawnAI nodes on this machine (DESIGN §8): up N | kill K | stop K |
# start K | down | status.
#
#   up N     the same set-up as deploy/run.sh (packages, build, PostgreSQL,
#            Docker engine, runtime image), then N nodes: node K listens on
#            127.0.0.(10+K) — API and web UI on :8080, CAF middleman on :4242,
#            its own Caddy (admin :2019, edge :8081) — all sharing the private
#            PostgreSQL and the Docker engine (containers labelled per node).
#            Prints each node's URL.
#   kill K   node K goes the way a lost machine goes: spawnd SIGKILLed and its
#            containers removed (its Caddy too). The others take over its
#            sessions within the lease (cluster.lease_ms, 4 s by default).
#   stop K   graceful stop of node K (with SPAWN_CLUSTER_DRAIN=true its
#            sessions are handed over first); start K starts it again (a new
#            epoch).
#   down     stops every node and its Caddy (apps keep running until their
#            time is up; the next `up` adopts them).
#
# State, logs and pids under build/cluster/node-K/. Environment: SPAWN_CLUSTER_NAME
# (default "local"), SPAWN_CLUSTER_CONFIG (default configs/spawnd.json), and any
# SPAWN_* key for every node.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=$root/build/cluster
say() { echo "cluster.sh: $*" >&2; }
addr_of() { echo "127.0.0.$((10 + $1))"; }

caddy_up() { # K
  local k=$1 a nd
  a=$(addr_of "$k")
  nd=$dir/node-$k
  mkdir -p "$nd/caddy"
  if curl -s -m 2 -o /dev/null "http://$a:2019/config/"; then return 0; fi
  cat >"$nd/caddy/base.json" <<JSON
{"admin": {"listen": "$a:2019"},
 "storage": {"module": "file_system", "root": "$nd/caddy/data"},
 "apps": {"http": {"servers": {}}}}
JSON
  HOME=$nd/caddy XDG_DATA_HOME=$nd/caddy/xdg XDG_CONFIG_HOME=$nd/caddy/xdg \
    nohup setsid caddy run --config "$nd/caddy/base.json" >>"$nd/caddy.log" 2>&1 </dev/null &
  echo $! >"$nd/caddy.pid"
  for ((i = 0; i < 100; i++)); do
    curl -s -m 1 -o /dev/null "http://$a:2019/config/" && return 0
    sleep 0.1
  done
  say "Caddy of node $k did not answer; see $nd/caddy.log"
  exit 1
}

node_up() { # K
  local k=$1 a nd
  a=$(addr_of "$k")
  nd=$dir/node-$k
  mkdir -p "$nd/state"
  if [ -f "$nd/spawnd.pid" ] && kill -0 "$(cat "$nd/spawnd.pid")" 2>/dev/null; then
    say "node $k already runs (pid $(cat "$nd/spawnd.pid"))"
    return 0
  fi
  caddy_up "$k"
  SPAWN_NODE_ID=node-$k SPAWN_NODE_STATE_DIR=$nd/state \
    SPAWN_HTTP_ADDRESS=$a SPAWN_HTTP_PORT=8080 \
    SPAWN_CLUSTER_NAME=${SPAWN_CLUSTER_NAME:-local} SPAWN_CLUSTER_HOST=$a SPAWN_CLUSTER_PORT=4242 \
    SPAWN_EDGE_CADDY_ADMIN=http://$a:2019 SPAWN_EDGE_LISTEN=$a:8081 \
    SPAWN_EDGE_SERVER=spawnai-node-$k SPAWN_EDGE_CHECK_INTERVAL_MS=${SPAWN_EDGE_CHECK_INTERVAL_MS:-1000} \
    nohup setsid ./build/spawnd --config "${SPAWN_CLUSTER_CONFIG:-configs/spawnd.json}" \
    >>"$nd/spawnd.log" 2>&1 </dev/null &
  echo $! >"$nd/spawnd.pid"
  for ((i = 0; i < 300; i++)); do
    if curl -s -m 1 -o /dev/null -w '%{http_code}' "http://$a:8080/healthz" | grep -q 200; then
      echo "node-$k  http://$a:8080/  (edge $a:8081, middleman $a:4242, log $nd/spawnd.log)"
      return 0
    fi
    kill -0 "$(cat "$nd/spawnd.pid")" 2>/dev/null || break
    sleep 0.1
  done
  say "node $k did not start; log tail:"
  tail -n 20 "$nd/spawnd.log" >&2
  exit 1
}

node_kill() { # K: as a lost machine
  local k=$1 nd=$dir/node-$1
  if [ -f "$nd/spawnd.pid" ]; then kill -9 "$(cat "$nd/spawnd.pid")" 2>/dev/null || true; fi
  if [ -f "$nd/caddy.pid" ]; then kill -9 "$(cat "$nd/caddy.pid")" 2>/dev/null || true; fi
  rm -f "$nd/spawnd.pid" "$nd/caddy.pid"
  local ids
  ids=$(docker ps -aq --filter "label=spawnai.node=node-$k")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
  say "node $k killed (spawnd SIGKILL, $(echo "$ids" | grep -c . || true) containers removed)"
}

node_stop() { # K: graceful
  local nd=$dir/node-$1
  if [ -f "$nd/spawnd.pid" ]; then
    local pid
    pid=$(cat "$nd/spawnd.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$nd/spawnd.pid"
  fi
  if [ -f "$nd/caddy.pid" ]; then kill -TERM "$(cat "$nd/caddy.pid")" 2>/dev/null || true; rm -f "$nd/caddy.pid"; fi
  say "node $1 stopped"
}

case "${1:-status}" in
  up)
    n=${2:?usage: cluster.sh up N}
    eval "$(bash deploy/scripts/setup.sh)"
    export SPAWN_DATABASE_URL
    for ((k = 1; k <= n; k++)); do node_up "$k"; done ;;
  start)
    eval "$(bash deploy/scripts/setup.sh 2>/dev/null)"
    export SPAWN_DATABASE_URL
    node_up "${2:?usage: cluster.sh start K}" ;;
  kill) node_kill "${2:?usage: cluster.sh kill K}" ;;
  stop) node_stop "${2:?usage: cluster.sh stop K}" ;;
  down)
    for nd in "$dir"/node-*; do [ -d "$nd" ] && node_stop "${nd##*-}"; done ;;
  status)
    for nd in "$dir"/node-*; do
      [ -d "$nd" ] || continue
      k=${nd##*-}
      if [ -f "$nd/spawnd.pid" ] && kill -0 "$(cat "$nd/spawnd.pid")" 2>/dev/null; then
        echo "node-$k up    http://$(addr_of "$k"):8080/"
      else
        echo "node-$k down"
      fi
    done ;;
  *) say "usage: cluster.sh up N | kill K | stop K | start K | down | status"; exit 2 ;;
esac
