#!/usr/bin/env bash
# Caddy 2, the edge in front of the apps: start | stop | status. Idempotent.
#
# Starts Caddy with a base config: the admin API on 127.0.0.1 only and an empty
# http app. spawnd adds its own server (listen address, fallback to spawnd, TLS
# policy) and one route per session through the admin API (infra/caddy_admin).
# Data in /tmp/spawnai-caddy (certificates), log /tmp/spawnai-caddy.log.
# Environment: SPAWN_CADDY_ADMIN_PORT (2019).
set -euo pipefail
admin_port=${SPAWN_CADDY_ADMIN_PORT:-2019}
dir=${SPAWN_CADDY_DIR:-/tmp/spawnai-caddy}
log_file=/tmp/spawnai-caddy.log
pid_file=$dir/caddy.pid
say() { echo "caddy.sh: $*" >&2; }
source "$(dirname "$0")/daemon-lib.sh"

answers() { curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$admin_port/config/" | grep -q 200; }

start() {
  command -v caddy >/dev/null || { say "caddy is not installed (apt-get install caddy)"; exit 1; }
  mkdir -p "$dir"
  cat >"$dir/base.json" <<JSON
{"admin": {"listen": "127.0.0.1:$admin_port"},
 "storage": {"module": "file_system", "root": "$dir/data"},
 "apps": {"http": {"servers": {}}}}
JSON
  if answers; then
    say "Caddy admin API answers on 127.0.0.1:$admin_port"
  else
    launch Caddy env HOME="$dir" XDG_DATA_HOME="$dir/xdg" XDG_CONFIG_HOME="$dir/xdg" \
      caddy run --config "$dir/base.json"
    say "Caddy admin API answers on 127.0.0.1:$admin_port"
  fi
  echo "http://127.0.0.1:$admin_port"
}

case "${1:-status}" in
  start) start ;;
  stop)
    if answers; then curl -s -m 5 -X POST "http://127.0.0.1:$admin_port/stop" >/dev/null; say "stopped"
    else say "not running"; fi
    rm -f "$pid_file" ;;
  status) if answers; then say "running (admin 127.0.0.1:$admin_port)"; else say "not running"; exit 1; fi ;;
  *) say "usage: caddy.sh start|stop|status"; exit 2 ;;
esac
