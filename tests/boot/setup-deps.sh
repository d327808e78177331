#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install what the QEMU boot tests (run.sh, demo.sh, negative.sh) need on a
# fresh Debian 12: the compiler and libraries for gpupass itself, QEMU, both
# initramfs generators, systemd (for dracut's systemd flavour) and a kernel.
# Idempotent; when everything is there it returns at once without apt.
# Run as root.
set -eu

# jq: the scenarios' "status" lines check "gpupass status --json" with it.
pkgs="gcc make pkg-config libc6-dev libkmod-dev libpci-dev libjson-c-dev libblkid-dev
	qemu-system-x86 busybox-static cpio kmod pciutils udev systemd
	initramfs-tools dracut-core zstd jq"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2> /dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
# Any installed kernel will do: the tests take the newest under /lib/modules.
kernel=""
if ! ls /boot/vmlinuz-* > /dev/null 2>&1; then
	kernel=linux-image-amd64
fi
if [ -z "$missing$kernel" ]; then
	echo "setup-deps: everything is installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "setup-deps: missing:$missing $kernel; run me as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y --no-install-recommends $missing
fi
if [ -n "$kernel" ]; then
	# INITRD=No: the tests build their own images; the kernel's own initrd
	# would take 15 s for nothing.
	INITRD=No apt-get install -y --no-install-recommends "$kernel"
fi
echo "setup-deps: done"
