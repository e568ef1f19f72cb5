#!/usr/bin/env bash
# Everything the run and test commands share: packages, build, PostgreSQL,
# the Docker engine, the app network and the runtime image. Idempotent.
# Prints `export` lines (DSNs, state dir) for the caller to eval on its stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
log() { echo "setup.sh: $*" >&2; }

bash deploy/scripts/install-deps.sh >&2

log "building (build/)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" >&2

dsn=$(bash deploy/scripts/postgres.sh start "$root/build/pgdata" | tail -n 1)
bash deploy/scripts/dockerd.sh >&2
bash deploy/runtime/build-images.sh >&2
# Apps may not open connections to the host (spawnd, PostgreSQL, Caddy's admin
# API) and have no egress unless runtime.egress says so; rebuilt at every run.
# Apps run on the engine's default bridge (no embedded DNS: no neighbour's
# name resolves); the firewall keeps them from each other too.
bash deploy/scripts/firewall.sh bridge
# A second Docker engine over TLS on 127.0.0.27 (issue 17): the remote host of
# the tests (docker_host_dockertest, hosts_functest). It leaves the main
# engine's bridges and iptables chains alone (see the script's header).
t1_line=$(bash deploy/scripts/docker-host.sh start t1 127.0.0.27 | tail -n 1)
read -r t1_endpoint hosts_tls <<<"$t1_line"
# gVisor (runsc) as a runtime tiers may choose; a note when it is not installed.
bash deploy/scripts/gvisor.sh
# Uploaded code (issue 18): the builder sandbox's image and its network, which
# reaches the npm registry only (never this host); rebuilt at every run.
bash deploy/runtime/build-builder.sh >&2
bash deploy/scripts/build-firewall.sh spawnai-build
# The edge: Caddy (admin API on loopback) and Pebble, the ACME CA of the tests.
caddy_admin=$(bash deploy/scripts/caddy.sh start | tail -n 1)
read -r acme_dir acme_ca acme_roots < <(bash deploy/scripts/pebble.sh start | tail -n 1)

mkdir -p "$root/build/state"
echo "export SPAWN_DATABASE_URL='$dsn'"
echo "export SPAWN_TEST_DATABASE_URL='${dsn%/*}/spawnai_test'"
echo "export SPAWN_NODE_STATE_DIR='$root/build/state'"
echo "export SPAWN_CADDY_ADMIN='$caddy_admin'"
echo "export SPAWN_TEST_ACME_DIRECTORY='$acme_dir'"
echo "export SPAWN_TEST_ACME_CA_ROOT='$acme_ca'"
echo "export SPAWN_TEST_ACME_ROOTS='$acme_roots'"
echo "export SPAWN_TEST_DOCKER_HOST='$t1_endpoint'"
echo "export SPAWN_TEST_HOSTS_TLS='$hosts_tls'"
