#!/usr/bin/env bash
# Set-up (packages, configure, build), then opens the viewer on the bundled sample: a 1 GiB
# dynamic disk made by Hyper-V (Windows Server 2012).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
SAMPLE="$BUILD/sample/hyperv-dynamic-1G.vhdx"
if [ ! -f "$SAMPLE" ]; then
    mkdir -p "$BUILD/sample"
    bzcat "$ROOT/resources/samples/hyperv-dynamic-1G.vhdx.bz2" >"$SAMPLE"
fi
exec "$BUILD/app/vhdx-inspector" "$SAMPLE"
