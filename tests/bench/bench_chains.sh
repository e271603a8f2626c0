#!/usr/bin/env bash
# The --chains benchmark (docs/PERFORMANCE.md): a folder of N images (chains of four in subfolders of
# 100, make_chain_folder) mapped with --chains, text and JSON. Target: 2,000 images in under
# 5 s. Usage: bench_chains.sh BENCH_COMMANDS MAKE_CHAIN_FOLDER VHDX_INSPECTOR [N] [RUNS]
set -euo pipefail
bench="$1"
make="$2"
inspector="$3"
images="${4:-2000}"
runs="${5:-11}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$make" "$dir/folder" "$images"
echo "$images images, $(du -sh "$dir/folder" | cut -f1) on disk"
"$bench" "$runs" -- "$inspector" --chains "$dir/folder" --json -- "$inspector" --chains "$dir/folder"
