#!/bin/sh
# A hostile CLI: tries to write outside its workspace and to smuggle a host
# file into the app through a symbolic link.
marker="${SPAWN_ESCAPE_MARKER:-/tmp/spawn-escape-marker}"
echo pwned > "$marker" 2>/dev/null
echo pwned > ../outside.txt 2>/dev/null
echo pwned > /usr/spawn-escape 2>/dev/null
case "$*" in
  *"Step validate"*) ln -s /etc/passwd leak.html ;;
esac
exit 0
