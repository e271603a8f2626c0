#!/usr/bin/env bash
# The 64 TiB / 1 MiB-block benchmark (docs/PERFORMANCE.md): vhdx-inspector --json against qemu-img check
# on the same file. Usage: bench_cli_vs_qemu.sh BENCH_COMMANDS VHDX_INSPECTOR [RUNS]
set -euo pipefail
bench="$1"
inspector="$2"
runs="${3:-11}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
qemu-img create -q -f vhdx -o block_size=1M,log_size=1M "$dir/big.vhdx" 64T
"$bench" "$runs" -- "$inspector" --json "$dir/big.vhdx" -- qemu-img check "$dir/big.vhdx"
