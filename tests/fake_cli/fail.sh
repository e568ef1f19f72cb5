#!/bin/sh
# A CLI that fails its second step, saying why on stderr.
case "$*" in
  *"Step write content"*) echo "error: API key rejected" >&2; exit 2 ;;
esac
exit 0
