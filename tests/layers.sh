#!/usr/bin/env bash
# The layers' includes point only downwards (CMakeLists.txt builds one library
# per layer): core ← persistence, infra ← actors ← http. A project include that
# points upwards or sideways fails this test with the offending lines.
set -u
cd "$(dirname "$0")/.."
allowed() {
  case "$1" in
    core) echo "core" ;;
    persistence) echo "core persistence" ;;
    infra) echo "core infra" ;;
    actors) echo "core persistence infra actors" ;;
    http) echo "core persistence infra actors http" ;;
  esac
}
bad=0
for layer in core persistence infra actors http; do
  ok=$(allowed "$layer")
  while IFS= read -r line; do
    file=${line%%:*}
    target=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$line")
    case " $ok " in
      *" $target "*) ;;
      *) echo "layers.sh: $layer may not include $target: $line"; bad=1 ;;
    esac
  done < <(grep -rHn '^#include "[a-z_]*/' "$layer" --include='*.hpp' --include='*.cpp' | grep -v '"build_paths.hpp"')
done
if [ "$bad" -ne 0 ]; then
  exit 1
fi
echo "layers.sh: core ← persistence, infra ← actors ← http: every include points downwards"
exit 0
