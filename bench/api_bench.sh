#!/usr/bin/env bash
# The API under load (issue 12): GET /api/v1/sessions/{id} of a running session
# beside GET /healthz, in the same run, each under wrk (64 connections, 10 s).
# Target: the session GET at >= 0.6x the /healthz rate, p99 <= 5 ms.
#
#   eval "$(bash deploy/scripts/setup.sh)" && bash bench/api_bench.sh [SECONDS] [CONNECTIONS] [ROUNDS]
#
# Starts its own spawnd (node id api-bench-*, free port, no edge; SPAWND picks
# another binary, e.g. an older build to compare), creates one session, and
# measures ROUNDS (default 2) rounds of /healthz then the session GET, each
# round's ratio printed beside it; then deletes the session and stops spawnd.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
conns=${2:-64}
rounds=${3:-2}
spawnd=${SPAWND:-./build/spawnd}
: "${SPAWN_DATABASE_URL:?eval \"\$(bash deploy/scripts/setup.sh)\" first}"
command -v wrk >/dev/null || { echo "api_bench.sh: wrk is missing (apt-get install wrk)" >&2; exit 2; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
state=$(mktemp -d)
node=api-bench-$RANDOM
SPAWN_HTTP_PORT=$port SPAWN_NODE_ID=$node SPAWN_NODE_STATE_DIR=$state SPAWN_EDGE_CADDY_ADMIN= \
  SPAWN_LOG_LEVEL=warn "$spawnd" --config configs/spawnd.json >"$state/spawnd.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true;
            docker ps -aq --filter "label=spawnai.node=$node" | xargs -r docker rm -f >/dev/null;
            rm -rf "$state"; }
trap cleanup EXIT
base=http://127.0.0.1:$port
for _ in $(seq 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.2; done
created=$(curl -sf -X POST "$base/api/v1/sessions" -d '{"prompt": "a counter", "app_type": "webapp"}')
id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$created")
token=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["manage_token"])' "$created")
for _ in $(seq 150); do
  curl -sf "$base/api/v1/sessions/$id" | grep -q '"state":"running"' && break; sleep 0.2
done
# One wrk run: "<requests/s> <p99 ms>".
measure() {
  wrk -t 2 -c "$conns" -d "${seconds}s" --latency -H "X-Manage-Token: $token" "$1" | python3 -c '
import re, sys
text = sys.stdin.read()
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(rate, p99, errors.group(1) if errors else 0)'
}
printf '\nAPI under wrk (%s connections, %s s, one node, %s cores; load average %s)\n' \
  "$conns" "$seconds" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %12s %10s %8s\n' "" "requests/s" "p99 ms" "non-2xx"
for round in $(seq "$rounds"); do
  read -r h_rate h_p99 h_err < <(measure "$base/healthz")
  read -r s_rate s_p99 s_err < <(measure "$base/api/v1/sessions/$id")
  printf '%-34s %12.0f %10.2f %8s\n' "GET /healthz (baseline)" "$h_rate" "$h_p99" "$h_err"
  printf '%-34s %12.0f %10.2f %8s\n' "GET /api/v1/sessions/{id}" "$s_rate" "$s_p99" "$s_err"
  python3 -c "import sys; r=float(sys.argv[1])/float(sys.argv[2]); print(f'round {sys.argv[3]}: ratio {r:.2f}x (target >= 0.6x); p99 {float(sys.argv[4]):.2f} ms (target <= 5 ms)')" \
    "$s_rate" "$h_rate" "$round" "$s_p99"
done
curl -sf -X DELETE -H "X-Manage-Token: $token" "$base/api/v1/sessions/$id" >/dev/null || true
