#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs (only the missing ones; apt-get as root,
# else sudo), then configures and builds into build/. Sourced by view-sample.sh and test.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${VHDX_BUILD_DIR:-$ROOT/build}"

PACKAGES=(
    cmake g++ make pkg-config bzip2 gzip
    qt6-base-dev libgl-dev libqt6svg6 qt6-svg-dev
    libisal-dev uuid-dev libblkid-dev
    qemu-utils libvhdi-utils 7zip strace fdisk ntfs-3g dosfstools
    xvfb xauth
)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
