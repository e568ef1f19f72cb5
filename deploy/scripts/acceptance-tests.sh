#!/usr/bin/env bash
# The offline generator's public acceptance set (tests/acceptance/prompts.tsv)
# in Debian's chromium against a real spawnd of its own on a spare port: one
# line per request, then "N passed, M failed"; fails under 90 % (set
# ACCEPTANCE_THRESHOLD to change it, ACCEPTANCE_ONLY=id,id to run a few).
# Expects setup.sh's environment.
set -euo pipefail
cd "$(dirname "$0")/../.."
port=${SPAWN_ACCEPTANCE_PORT:-18766}
state=$(mktemp -d /tmp/spawnai-accept-XXXXXX)
log=build/acceptance-spawnd.log
(cd tests/acceptance && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
# The set makes ~111 sessions from 127.0.0.1 in a few minutes: the per-client
# limits of configs/spawnd.json would refuse most of them. The prompt cache is
# off: each request is generated, so its generation time is measured.
SPAWN_HTTP_PORT=$port SPAWN_NODE_ID=accept-$$ SPAWN_NODE_STATE_DIR=$state \
  SPAWN_RUNTIME_WARM_POOL_SIZE=3 SPAWN_LIMITS_CREATIONS_PER_WINDOW=100000 \
  SPAWN_LIMITS_ACTIVE_PER_OWNER=100000 SPAWN_GENERATION_BACKEND=template \
  SPAWN_GENERATION_CACHE_TTL_SECONDS=0 \
  ./build/spawnd --config configs/spawnd.json >"$log" 2>&1 &
pid=$!
cleanup() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$state"; }
trap cleanup EXIT
for _ in $(seq 1 150); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "acceptance-tests.sh: spawnd died:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.2
done
cd tests/acceptance
SPAWN_URL="http://127.0.0.1:$port" node run.mjs
