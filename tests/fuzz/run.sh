#!/bin/sh
# Builds the libFuzzer target of the LLM output and SSE parsers with clang
# (ASan + UBSan) and runs it for SECONDS (default 120) on all cores given.
# Usage: tests/fuzz/run.sh [SECONDS] [JOBS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${SPAWN_FUZZ_DIR:-$root/build/fuzz}
mkdir -p "$out/corpus"
cp -n "$here"/corpus/* "$out/corpus/" 2>/dev/null || true
caf=$(find /usr/lib -name 'libcaf_core.so*' | head -n 1)
clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -I"$root" \
  "$here/model_output_fuzz.cpp" "$root/core/model_output.cpp" "$root/core/sse.cpp" \
  "$root/core/generated_app.cpp" "$root/core/error.cpp" "$root/core/app_type.cpp" \
  "$caf" -o "$out/model_output_fuzz"
cd "$out"
exec ./model_output_fuzz -max_total_time="${1:-120}" -jobs="${2:-1}" -workers="${2:-1}" \
  -max_len=65536 -print_final_stats=1 corpus
