#!/usr/bin/env bash
# A server certificate for the Docker engine of a new host (a droplet),
# signed by the installation's host CA (made by docker-host.sh when missing):
# subject and SAN DNS:NAME, since the address is not known before the host
# exists; spawnd then checks the chain against the CA (pinned) rather than the
# name. Prints the certificate, then the key (PEM) on stdout.
# Usage: host-cert.sh NAME   Environment: SPAWN_HOSTS_TLS (the CA's folder).
set -euo pipefail
name=${1:-}
[[ "$name" =~ ^[a-z0-9][a-z0-9.-]{0,62}$ ]] || { echo "host-cert.sh: bad NAME '$name'" >&2; exit 2; }
tls=${SPAWN_HOSTS_TLS:-${SPAWN_HOSTS_DIR:-/var/lib/spawnai-hosts}/tls}
[ -f "$tls/ca.pem" ] && [ -f "$tls/ca-key.pem" ] || { echo "host-cert.sh: no CA in $tls (run docker-host.sh once)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout "$work/key.pem" \
  -out "$work/csr.pem" 2>/dev/null
openssl x509 -req -in "$work/csr.pem" -CA "$tls/ca.pem" -CAkey "$tls/ca-key.pem" \
  -CAcreateserial -days 3650 -out "$work/cert.pem" \
  -extfile <(printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$name") 2>/dev/null
cat "$work/cert.pem" "$work/key.pem"
