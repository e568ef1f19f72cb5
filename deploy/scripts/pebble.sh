#!/usr/bin/env bash
# Pebble, the ACME test CA, for the edge tests: start | stop | status. Idempotent.
#
# Data (its TLS key pair and config) in /tmp/spawnai-pebble; log /tmp/spawnai-pebble.log.
# Every challenge is taken as valid (PEBBLE_VA_ALWAYS_VALID=1): there is no public
# DNS here, yet Caddy still runs the whole ACME order against it. Prints, on
# `start`, the directory URL and the PEM that signs Pebble's own HTTPS listener
# (what an ACME client must trust); the root of the certificates Pebble issues
# is at https://127.0.0.1:<mgmt port>/roots/0 (new at every start).
# Environment: SPAWN_PEBBLE_PORT (14000), SPAWN_PEBBLE_MGMT_PORT (15000).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${SPAWN_PEBBLE_DIR:-/tmp/spawnai-pebble} # shared by every checkout, like its port
port=${SPAWN_PEBBLE_PORT:-14000}
mgmt=${SPAWN_PEBBLE_MGMT_PORT:-15000}
log_file=/tmp/spawnai-pebble.log
pid_file=$dir/pebble.pid
say() { echo "pebble.sh: $*" >&2; }
source deploy/scripts/daemon-lib.sh

running() { [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }
answers() { curl -s -m 2 --cacert "$dir/ca.pem" "https://127.0.0.1:$port/dir" | grep -q newOrder; }

start() {
  command -v pebble >/dev/null || { say "pebble is not installed (apt-get install pebble)"; exit 1; }
  mkdir -p "$dir"
  if [ ! -f "$dir/cert.pem" ]; then
    # A private CA for Pebble's own listener (Debian ships no test certificate).
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=spawnai pebble listener CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
      -keyout "$dir/key.pem" -out "$dir/cert.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/san.ext"
    openssl x509 -req -in "$dir/cert.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
      -CAcreateserial -days 3650 -extfile "$dir/san.ext" -out "$dir/cert.pem" 2>/dev/null
  fi
  cat >"$dir/pebble-config.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$port", "managementListenAddress": "127.0.0.1:$mgmt",
  "certificate": "$dir/cert.pem", "privateKey": "$dir/key.pem",
  "httpPort": 5002, "tlsPort": 5001, "ocspResponderURL": "",
  "externalAccountBindingRequired": false}}
JSON
  if running && answers; then
    say "Pebble answers on https://127.0.0.1:$port/dir"
  else
    running && kill "$(cat "$pid_file")" 2>/dev/null || true
    launch Pebble env PEBBLE_VA_ALWAYS_VALID=1 PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 \
      PEBBLE_AUTHZREUSE=100 pebble -config "$dir/pebble-config.json"
    say "Pebble answers on https://127.0.0.1:$port/dir"
  fi
  echo "https://127.0.0.1:$port/dir $dir/ca.pem https://127.0.0.1:$mgmt/roots/0"
}

case "${1:-status}" in
  start) start ;;
  stop) running && kill "$(cat "$pid_file")" && say "stopped" || say "not running"; rm -f "$pid_file" ;;
  status) if running && answers; then say "running (pid $(cat "$pid_file"))"; else say "not running"; exit 1; fi ;;
  *) say "usage: pebble.sh start|stop|status"; exit 2 ;;
esac
