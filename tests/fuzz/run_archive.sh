#!/bin/sh
# Builds the libFuzzer target of the upload extractor with clang (ASan +
# UBSan) and runs it for SECONDS (default 60) from seeds made here (a tar.gz,
# a zip, a link, a hard link). Usage: tests/fuzz/run_archive.sh [SECONDS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${SPAWN_FUZZ_DIR:-$root/build/fuzz}
mkdir -p "$out/archive_corpus"
seed=$(mktemp -d)
trap 'rm -rf "$seed"' EXIT
mkdir -p "$seed/t/css"
echo '<h1>x</h1>' > "$seed/t/index.html"
echo 'body{}' > "$seed/t/css/a.css"
ln -s index.html "$seed/t/link.html"
ln "$seed/t/index.html" "$seed/t/hard.html"
tar -C "$seed/t" -czf "$out/archive_corpus/seed.tgz" .
tar -C "$seed/t" -cf "$out/archive_corpus/seed.tar" .
(cd "$seed/t" && python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.write('index.html'); z.write('css/a.css')" "$out/archive_corpus/seed.zip")
caf=$(find /usr/lib -name 'libcaf_core.so*' | head -n 1)
clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -I"$root" \
  "$here/archive_extract_fuzz.cpp" "$root/infra/archive_extract.cpp" \
  "$root/core/path_safety.cpp" "$root/core/error.cpp" "$caf" -larchive \
  -o "$out/archive_extract_fuzz"
cd "$out"
exec ./archive_extract_fuzz -max_total_time="${1:-60}" -max_len=65536 -rss_limit_mb=1024 \
  -print_final_stats=1 archive_corpus
