#!/bin/sh
# Records the environment it sees into the app (to show what is passed on).
case "$*" in
  *"Step validate"*) env | sort > env.txt ;;
esac
exit 0
