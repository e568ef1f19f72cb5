#!/usr/bin/env bash
# Starts (idempotently) or stops a private PostgreSQL cluster for SpawnAI.
#
#   postgres.sh [start] [DATA_DIR]   start if needed; the DSN is the last stdout line
#   postgres.sh stop    [DATA_DIR]   fast shutdown (no error when already stopped)
#   postgres.sh status  [DATA_DIR]   exit 0 and print the DSN when running
#
# DATA_DIR defaults to $PWD/build/pgdata. The cluster listens on 127.0.0.1 only,
# port ${SPAWN_PG_PORT:-54329}, plus a unix socket inside DATA_DIR; local
# connections are trusted. Databases `spawnai` and `spawnai_test` are created when
# missing. The server runs as the `postgres` OS user when started by root (initdb
# refuses root), as the calling user otherwise. A Debian `main` cluster on 5432 is
# neither needed nor touched.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

cmd=start
case "${1:-}" in
  start|stop|status) cmd=$1; shift ;;
  -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
[ $# -le 1 ] || die "usage: postgres.sh [start|stop|status] [DATA_DIR]"

data_dir=${1:-$PWD/build/pgdata}
case "$data_dir" in /*) ;; *) data_dir=$PWD/$data_dir ;; esac
data_dir=${data_dir%/}
port=${SPAWN_PG_PORT:-54329}
db_name=spawnai
superuser=postgres

pg_bin=${SPAWN_PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$pg_bin/pg_ctl" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$pg_bin" ] && [ -x "$pg_bin/pg_ctl" ] ||
    die "PostgreSQL binaries not found (apt-get install postgresql, or set SPAWN_PG_BIN)"
fi

# Runs a server binary as the cluster's OS owner, from a directory it can read.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (apt-get install postgresql)"
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
else
  as_owner() { (cd / && "$@"); }
fi

# The port of the running server (postmaster.pid line 4), empty when stopped.
running_port() {
  as_owner "$pg_bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1 || return 0
  sed -n 4p "$data_dir/postmaster.pid" 2>/dev/null || true
}

dsn_for() { echo "postgresql://$superuser@127.0.0.1:$1/$2"; }

# --- stop / status -------------------------------------------------------------
if [ "$cmd" = stop ]; then
  if [ ! -f "$data_dir/PG_VERSION" ]; then log "no cluster in $data_dir"; exit 0; fi
  if [ -z "$(running_port)" ]; then log "not running ($data_dir)"; exit 0; fi
  as_owner "$pg_bin/pg_ctl" -D "$data_dir" -m fast -w -t 60 stop >&2
  exit 0
fi
if [ "$cmd" = status ]; then
  p=$(running_port)
  [ -n "$p" ] || { log "not running ($data_dir)"; exit 3; }
  dsn_for "$p" "$db_name"
  exit 0
fi

# --- start ------------------------------------------------------------------------
parent=$(dirname "$data_dir")
mkdir -p "$parent"
# Serialise concurrent starts of the same cluster (flock on the parent directory).
exec 9<"$parent"
flock 9

p=$(running_port)
if [ -n "$p" ]; then dsn_for "$p" "$db_name"; exit 0; fi

if [ ! -f "$data_dir/PG_VERSION" ]; then
  if [ -d "$data_dir" ] && [ -n "$(ls -A "$data_dir")" ]; then
    die "$data_dir exists, is not empty and holds no cluster"
  fi
  mkdir -p "$data_dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$data_dir"
  chmod 700 "$data_dir"
  as_owner test -w "$data_dir" ||
    die "the cluster owner cannot reach $data_dir (a parent directory is not searchable)"
  log "initdb $data_dir"
  as_owner "$pg_bin/initdb" -D "$data_dir" -U "$superuser" --auth=trust \
    --encoding=UTF8 --locale=C >&2
  echo "include_if_exists = 'spawn.conf'" >>"$data_dir/postgresql.conf"
fi

# Settings are rewritten at every start so a new SPAWN_PG_PORT takes effect.
# A unix socket path is limited to 107 bytes; a deep DATA_DIR gets TCP only.
socket_dir=$data_dir
if [ $(( ${#data_dir} + 16 )) -gt 107 ]; then
  log "warning: $data_dir is too long for a unix socket; TCP only"
  socket_dir=
fi
cat >"$data_dir/spawn.conf" <<CONF
# Written by deploy/scripts/postgres.sh at each start.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
max_connections = 200
CONF
[ "$(id -u)" = 0 ] && chown postgres:postgres "$data_dir/spawn.conf"

log "starting on 127.0.0.1:$port ($data_dir)"
if ! as_owner "$pg_bin/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w -t 60 9<&- \
     start >&2; then
  tail -n 20 "$data_dir/server.log" >&2 || true
  die "the server did not start (is port $port taken? set SPAWN_PG_PORT)"
fi

for _ in $(seq 1 60); do
  as_owner "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
as_owner "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" || die "server not ready"

psql_q() {
  as_owner "$pg_bin/psql" -X -q -t -A -h 127.0.0.1 -p "$port" -U "$superuser" \
    -d postgres -v ON_ERROR_STOP=1 -c "$1"
}
for db in "$db_name" "${db_name}_test"; do
  if [ "$(psql_q "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    log "creating database $db"
    psql_q "CREATE DATABASE $db" >&2 ||
      [ "$(psql_q "SELECT 1 FROM pg_database WHERE datname = '$db'")" = 1 ] ||
      die "could not create database $db"
  fi
done

dsn_for "$port" "$db_name"
