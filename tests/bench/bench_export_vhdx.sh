#!/usr/bin/env bash
# --export-vhdx against what a user would do otherwise (docs/PERFORMANCE.md):
# 1. a 1 GiB raw image holding 512 MiB of data in 1 MiB runs (every other MiB) written as a
#    dynamic VHDX, each command followed by sync: ours against `cp --sparse=always` of the raw
#    file and against `qemu-img convert -O vhdx` (targets: at most 1.25x cp, 0.6x qemu-img);
#    peak RSS (target: at most 64 MiB);
# 2. the 64 TiB / 1 MiB-block image with three written blocks (time follows the data).
# Usage: bench_export_vhdx.sh BENCH_COMMANDS VHDX_INSPECTOR [RUNS]
set -euo pipefail
bench="$1"
inspector="$2"
runs="${3:-7}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
truncate -s 1G "$dir/in.raw"
for ((mib = 0; mib < 1024; mib += 2)); do
    dd if=/dev/urandom of="$dir/in.raw" bs=1M count=1 seek="$mib" conv=notrunc status=none
done
sync
"$bench" "$runs" -- sh -c "'$inspector' --export-vhdx '$dir/ours.vhdx' '$dir/in.raw' --raw --force >/dev/null && sync" \
    -- sh -c "cp --sparse=always '$dir/in.raw' '$dir/copy.raw' && sync"
echo
"$bench" "$runs" -- sh -c "'$inspector' --export-vhdx '$dir/ours.vhdx' '$dir/in.raw' --raw --force >/dev/null && sync" \
    -- sh -c "rm -f '$dir/qemu.vhdx' && qemu-img convert -f raw -O vhdx '$dir/in.raw' '$dir/qemu.vhdx' && sync"
echo
# Its peak RSS (measured on the process itself: through sh, wait4 would report the shell's).
"$bench" "$runs" -- "$inspector" --export-vhdx "$dir/ours.vhdx" "$dir/in.raw" --raw --force
echo
rm -f "$dir"/*.raw "$dir"/*.vhdx
qemu-img create -q -f vhdx -o block_size=1M,log_size=1M "$dir/big.vhdx" 64T
for at in 0 32T 70368743129088; do # the last: 64 TiB - 1 MiB
    qemu-io -f vhdx -c "write -P 0x5a $at 1M" "$dir/big.vhdx" >/dev/null
done
"$bench" "$runs" -- "$inspector" --export-vhdx "$dir/big-out.vhdx" "$dir/big.vhdx" --force
