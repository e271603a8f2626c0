#!/usr/bin/env bash
# --export-raw of the 64 TiB / 1 MiB-block image with a few written blocks, against
# qemu-img convert -O raw on the same file. The raw outputs are 64 TiB sparse files, beyond
# ext4's 16 TiB limit: they go to a tmpfs (/dev/shm, or VHDX_BENCH_TMPFS). qemu-img takes
# minutes on this image (it walks every block), so it runs once, under a time limit
# (VHDX_BENCH_QEMU_LIMIT seconds, default 120): exit 124 in its row means it hit the limit.
# Usage: bench_export_vs_qemu.sh BENCH_COMMANDS VHDX_INSPECTOR [RUNS]
set -euo pipefail
bench="$1"
inspector="$2"
runs="${3:-11}"
limit="${VHDX_BENCH_QEMU_LIMIT:-120}"
dir="$(mktemp -d)"
out="$(mktemp -d "${VHDX_BENCH_TMPFS:-/dev/shm}/vhdx-bench.XXXXXX")"
trap 'rm -rf "$dir" "$out"' EXIT
qemu-img create -q -f vhdx -o block_size=1M,log_size=1M,subformat=dynamic "$dir/big.vhdx" 64T
for at in 0 1M 4095M 32T 70368742080512; do # the last: 64 TiB - 2 MiB
    qemu-io -f vhdx -c "write -P 0x5a $at 1M" "$dir/big.vhdx" >/dev/null
done
"$bench" "$runs" -- "$inspector" --export-raw "$out/ours.raw" --force "$dir/big.vhdx"
echo
"$bench" 1 -- timeout "$limit" qemu-img convert -O raw "$dir/big.vhdx" "$out/qemu.raw"
