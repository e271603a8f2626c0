#!/bin/sh
# Generates the fuzz seed corpora (nothing of it is committed):
#   OUT/raw      the first 4 MiB of each real image in tests/data, and builder images
#   OUT/compact  the same in the compact input format of fuzz_image_compact
# Usage: tests/fuzz/make_corpus.sh BUILD_DIR OUT   (BUILD_DIR built with -DVHDX_FUZZ=ON)
set -eu
build=${1:?usage: make_corpus.sh BUILD_DIR OUT}
out=${2:?usage: make_corpus.sh BUILD_DIR OUT}
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../data"
mkdir -p "$out/raw" "$out/compact"
real=""
for f in "$data"/*.gz "$data"/*.bz2; do
    [ -e "$f" ] || continue
    name=$(basename "$f" | sed 's/\.vhdx\.\(gz\|bz2\)$//')
    case "$f" in
    *.gz) dec="gzip -dc" ;;
    *) dec="bzip2 -dc" ;;
    esac
    # head closes the pipe early; the decompressor's SIGPIPE is expected.
    { $dec "$f" || true; } 2>/dev/null | head -c 4194304 >"$out/raw/real-$name.vhdx"
    real="$real $out/raw/real-$name.vhdx"
done
# shellcheck disable=SC2086 # the list is meant to split
"$build/tests/fuzz/fuzz_seedgen" "$out" $real
echo "raw: $(ls "$out/raw" | wc -l) seeds, compact: $(ls "$out/compact" | wc -l) seeds"
