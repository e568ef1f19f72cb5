#!/usr/bin/env bash
# Ensures a Docker engine answers on the local socket; starts dockerd when none does.
#
# Idempotent: when the engine already answers this prints its version and exits 0.
# Environment:
#   SPAWN_DOCKER_SOCKET   socket to check (default /var/run/docker.sock)
#   SPAWN_DOCKERD_LOG     dockerd's log file (default /tmp/spawnai-dockerd.log)
#   SPAWN_DOCKERD_WAIT    seconds to wait for a started engine (default 30)
# Machines without systemd (containers, CI) are the target; with systemd prefer
# `systemctl start docker`, which this script tries first.
set -euo pipefail

socket="${SPAWN_DOCKER_SOCKET:-/var/run/docker.sock}"
log_file="${SPAWN_DOCKERD_LOG:-/tmp/spawnai-dockerd.log}"
wait_s="${SPAWN_DOCKERD_WAIT:-30}"

say() { echo "dockerd.sh: $*" >&2; }

# True when the engine behind $socket answers /_ping.
engine_answers() {
  if command -v curl >/dev/null 2>&1; then
    [ "$(curl -s -m 3 --unix-socket "$socket" http://localhost/_ping 2>/dev/null)" = "OK" ]
  else
    DOCKER_HOST="unix://$socket" docker info >/dev/null 2>&1
  fi
}

engine_version() {
  curl -s -m 3 --unix-socket "$socket" http://localhost/version 2>/dev/null \
    | sed -n 's/.*"Version":"\([^"]*\)".*"ApiVersion".*/\1/p' | head -n1
}

if engine_answers; then
  say "Docker engine answers on $socket (version $(engine_version))"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "dockerd is missing; installing Debian's docker.io"
    DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io >/dev/null \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive \
           apt-get install -y docker.io >/dev/null; }
  else
    say "no dockerd on PATH: install it (Debian: apt-get install docker.io)"
    exit 1
  fi
fi

if [ "$(id -u)" != 0 ]; then
  say "no engine on $socket and starting dockerd needs root (run as root or sudo)"
  exit 1
fi

if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl start docker >/dev/null 2>&1 || true
fi

if ! engine_answers; then
  # A dockerd that died leaves its pid file behind and refuses to start again.
  pid_file=/var/run/docker.pid
  if [ -f "$pid_file" ] && ! kill -0 "$(cat "$pid_file" 2>/dev/null)" 2>/dev/null; then
    say "removing stale $pid_file"
    rm -f "$pid_file"
  fi
  if [ -f "$pid_file" ]; then
    say "dockerd (pid $(cat "$pid_file")) runs but does not answer on $socket yet; waiting"
  else
    say "starting dockerd (log: $log_file)"
    host_arg=()
    [ "$socket" = /var/run/docker.sock ] || host_arg=(-H "unix://$socket")
    # The daemon must not inherit the caller's other descriptors (a lock file
    # held by a test run, a pipe): close everything above 2 first.
    nohup setsid bash -c 'for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null; exec dockerd "$@"' \
      dockerd "${host_arg[@]}" >>"$log_file" 2>&1 </dev/null &
  fi
fi

for ((i = 0; i < wait_s * 5; i++)); do
  if engine_answers; then
    say "Docker engine answers on $socket (version $(engine_version))"
    exit 0
  fi
  sleep 0.2
done

say "Docker engine did not answer on $socket within ${wait_s}s; last lines of $log_file:"
tail -n 20 "$log_file" >&2 2>/dev/null || true
exit 1
