#!/usr/bin/env bash
# One command to a running SpawnAI node: installs what is missing, builds,
# starts PostgreSQL and the Docker engine, builds the runtime image, then runs
# spawnd in the foreground with its web UI (Ctrl-C stops it; apps keep running
# until their time is up and are re-adopted at the next start).
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash deploy/scripts/setup.sh)"
port=${SPAWN_HTTP_PORT:-8080}
# Apps behind the edge at http://<id>.localhost:8081/ (SPAWN_EDGE_CADDY_ADMIN=
# empty: the direct loopback URL instead).
export SPAWN_EDGE_CADDY_ADMIN=${SPAWN_EDGE_CADDY_ADMIN-$SPAWN_CADDY_ADMIN}
echo
echo "  SpawnAI is starting: open http://127.0.0.1:${port}/"
echo
# configs/spawnd.json gives one person room to try things (60 creations per
# 15 min, 20 live apps); configs/production.json keeps seed 002's limits (5 per
# 15 min, 3 live apps per owner): SPAWN_CONFIG_FILE=configs/production.json.
exec ./build/spawnd --config "${SPAWN_CONFIG_FILE:-configs/spawnd.json}"
