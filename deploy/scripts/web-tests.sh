#!/usr/bin/env bash
# Browser tests of the web UI (Playwright driving Debian's chromium) against a
# real spawnd of their own on a spare port. Expects setup.sh's environment.
set -euo pipefail
cd "$(dirname "$0")/../.."
port=${SPAWN_WEB_TEST_PORT:-18765}
state=$(mktemp -d /tmp/spawnai-webtest-XXXXXX)
log=build/web-tests-spawnd.log
(cd tests/web && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
SPAWN_HTTP_PORT=$port SPAWN_NODE_ID=webtest-$$ SPAWN_NODE_STATE_DIR=$state \
  SPAWN_RUNTIME_WARM_POOL_SIZE=1 SPAWN_LIMITS_CREATIONS_PER_WINDOW=1000 \
  SPAWN_LIMITS_ACTIVE_PER_OWNER=1000 ./build/spawnd --config configs/spawnd.json >"$log" 2>&1 &
pid=$!
cleanup() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$state"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "web-tests.sh: spawnd died:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.2
done
cd tests/web
SPAWN_UI_URL="http://127.0.0.1:$port" npm test
