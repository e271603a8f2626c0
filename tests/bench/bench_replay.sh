#!/usr/bin/env bash
# The log replay benchmarks, on the 64 TiB / 1 MiB-block image (docs/PERFORMANCE.md):
#  1. the replayed view against the stored view (--json) with a dirty log of 1 MiB;
#  2. --replay-log against `qemu-img check -r all` on fresh copies of images whose whole log
#     (1, 4, 16 and 64 MiB) is filled with entries of 126 data descriptors, the most QEMU 7.2
#     accepts in one entry, up to 8 KiB before its end (entries ending exactly 4 KiB before
#     the end send QEMU's log search into an endless loop). A third command times the copy.
# Usage: bench_replay.sh BENCH_COMMANDS VHDX_INSPECTOR MAKE_DIRTY_LOG [RUNS]
# The files go to ${VHDX_BENCH_DIR:-/var/tmp} (a disk: QEMU syncs after every 4 KiB).
set -euo pipefail
bench="$1"
inspector="$2"
make="$3"
runs="${4:-11}"
dir="$(mktemp -d "${VHDX_BENCH_DIR:-/var/tmp}/vhdx-bench-replay.XXXXXX")"
trap 'rm -rf "$dir"' EXIT

echo "## replayed view vs stored view, 64 TiB, 1 MiB dirty log"
qemu-img create -q -f vhdx -o block_size=1M,log_size=1M,subformat=dynamic "$dir/big.vhdx" 64T
"$make" "$dir/big.vhdx" 1048576 8
"$bench" "$runs" -- "$inspector" --json "$dir/big.vhdx" -- "$inspector" --json --stored "$dir/big.vhdx"

for mib in 1 4 16 64; do
    echo
    echo "## replay of a full ${mib} MiB log: --replay-log vs qemu-img check -r all (each on a fresh copy)"
    img="$dir/log${mib}.vhdx"
    qemu-img create -q -f vhdx -o "block_size=1M,log_size=${mib}M,subformat=dynamic" "$img" 64T
    "$make" "$img" $((mib * 1048576 - 8192)) 126
    n=$runs
    [ "$mib" -ge 16 ] && n=3
    "$bench" "$n" \
        -- sh -c "cp --sparse=always '$img' '$dir/w.vhdx' && '$inspector' --replay-log '$dir/w.vhdx' --yes" \
        -- sh -c "cp --sparse=always '$img' '$dir/w.vhdx' && qemu-img check -r all '$dir/w.vhdx'" \
        -- sh -c "cp --sparse=always '$img' '$dir/w.vhdx'"
done
