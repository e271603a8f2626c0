#!/usr/bin/env bash
# Set-up (packages, configure, build), then runs every test with CTest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
ctest --test-dir "$BUILD" --output-on-failure -j"$(nproc)"
