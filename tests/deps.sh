#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 packages gpupass needs to build and test (run as root).
# Usage: deps.sh [build|all]   build: compile + make check; all: + QEMU boot tests
# Fast when everything is there already: apt runs only for what is missing.
set -eu
what=${1:-all}
build="gcc make pkg-config libc6-dev libkmod-dev libpci-dev libcmocka-dev libjson-c-dev libblkid-dev pciutils jq
	shellcheck clang-format time kmod binutils man-db groff-base"
boot="qemu-system-x86 busybox-static cpio initramfs-tools dracut-core zstd udev systemd"
pkgs=$build
[ "$what" = all ] && pkgs="$build $boot"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
kernel_missing=false
if [ "$what" = all ] && ! ls /boot/vmlinuz-* > /dev/null 2>&1; then
	kernel_missing=true
fi
if [ -z "$missing" ] && ! $kernel_missing; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing; run as root to install them" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
[ -z "$missing" ] || apt-get install -y -qq --no-install-recommends $missing
# The test kernel: a real Debian kernel, without building its own initrd (6 s, not 21).
if $kernel_missing; then
	INITRD=No apt-get install -y -qq --no-install-recommends linux-image-amd64
fi
