#!/usr/bin/env bash
# One command to a tested build: the same set-up as deploy/run.sh (packages,
# build, PostgreSQL, Docker engine, runtime image), then every test: unit,
# integration against the real PostgreSQL and Docker engine, and functional
# tests that run spawnd as a process, browser tests of the web UI and the
# offline generator's acceptance set. Here every server is present, so a test
# that skipped would hide a broken set-up: any skip fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash deploy/scripts/setup.sh)"
log=build/ctest.log
set +e
ctest --test-dir build --output-on-failure -j 2 --timeout 900 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if grep -q '\*\*\*Skipped' "$log"; then
  echo "test.sh: some tests were skipped although every server was started:" >&2
  grep '\*\*\*Skipped' "$log" >&2
  exit 1
fi
[ "$status" -eq 0 ] || exit "$status"
# The web UI in a real browser against a real spawnd.
bash deploy/scripts/web-tests.sh
# The offline generator's acceptance set (fails under 90 % of the requests).
bash deploy/scripts/acceptance-tests.sh
