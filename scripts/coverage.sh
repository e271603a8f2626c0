#!/usr/bin/env bash
# Line and branch coverage of core/ by the core, cli, robustness, golden, fuzz, update and replay
# suites, measured with gcovr (Debian package gcovr). Not part of CI. The figure
# is in docs/ROBUSTNESS.md. Usage: scripts/coverage.sh [BUILD_DIR]   (default build-cov)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build-cov}"
cmake -S "$ROOT" -B "$BUILD" -DVHDX_BUILD_GUI=OFF -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS="--coverage -O0" -DCMAKE_C_FLAGS="--coverage -O0" \
    -DCMAKE_EXE_LINKER_FLAGS=--coverage >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
find "$BUILD" -name '*.gcda' -delete
ctest --test-dir "$BUILD" -j"$(nproc)" -L 'core|cli|robustness|golden|fuzz|update|replay' \
    --output-on-failure || true
# Throw branches (allocation failures) and branches the compiler proves unreachable are not
# the code's decisions: left out, as gcovr's documentation recommends for C++.
gcovr --root "$ROOT" --object-directory "$BUILD" --filter "$ROOT/core/" \
    --exclude-throw-branches --exclude-unreachable-branches \
    --print-summary --txt "$BUILD/coverage.txt" "$BUILD" | tail -3
echo "per file: $BUILD/coverage.txt"
