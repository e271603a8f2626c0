#!/usr/bin/env bash
# Set-up (packages, configure, build), then runs every test with CTest; then the same suite
# again built with AddressSanitizer + UndefinedBehaviorSanitizer. Benchmarks (label bench)
# are not tests: they have their own command, `ctest --test-dir build -L bench -V`
# (docs/PERFORMANCE.md). VHDX_TEST_SANITIZE=0 skips the second pass.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
ctest --test-dir "$BUILD" --output-on-failure -j"$(nproc)" -LE bench

if [ "${VHDX_TEST_SANITIZE:-1}" != 0 ]; then
    ASAN_BUILD="${VHDX_ASAN_BUILD_DIR:-$ROOT/build-asan}"
    cmake -S "$ROOT" -B "$ASAN_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVHDX_SANITIZE=ON >/dev/null
    cmake --build "$ASAN_BUILD" -j"$(nproc)"
    ctest --test-dir "$ASAN_BUILD" --output-on-failure -j"$(nproc)" -LE bench
fi
