#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 packages gpupass needs to build and test (run as root).
# The one list of them: make test, make demo and tests/boot/setup-deps.sh use it.
# Usage: deps.sh [build|all]   build: compile + make check; all: + QEMU boot
# tests, the full-system tests and the Ansible role's test
# Fast when everything is there already: one dpkg-query, no apt.
# Exit status: 0 all there (or installed now), 1 something missing and not
# root, 2 usage, apt-get's own status when apt-get fails.
set -eu
what=${1:-all}
case $what in
build | all) ;;
*)
	echo "usage: deps.sh [build|all]" >&2
	exit 2
	;;
esac

# Compiler, libraries and the tools of make check and make lint; clang and its
# libFuzzer runtime (libclang-rt-14-dev) build the fuzz targets (tests/fuzz).
# musl-tools and musl-dev build the static binary; dpkg-dev's dpkg-source
# unpacks the Debian sources of its archives (static/fetch.sh); file tells
# the fixture runs which early/gpupass they test.
build="gcc make pkg-config libc6-dev libkmod-dev libpci-dev libcmocka-dev libblkid-dev pciutils jq
	shellcheck clang-format time kmod binutils man-db groff-base clang libclang-rt-14-dev
	musl-tools musl-dev dpkg-dev file"
# The QEMU boot tests (tests/boot): QEMU, both initramfs generators (lsinitrd
# and unmkinitramfs read their images back), systemd and udev for dracut's
# systemd flavour, linux-version for picking the kernel.  jq (above) checks
# the scenarios' "gpupass status --json" lines.
boot="qemu-system-x86 busybox-static cpio initramfs-tools dracut-core zstd udev systemd linux-base"
# Packaging (make deb, make rpm) and the full-system boots (tests/system):
# mmdebstrap makes the Debian 12 roots, mke2fs/debugfs the disk images;
# ansible (its community.general has the chroot connection) runs the role on
# them (tests/system/ansible.sh), ansible-lint checks it (make lint).
system="debhelper lintian rpm mmdebstrap e2fsprogs ansible ansible-lint"
pkgs=$build
[ "$what" = all ] && pkgs="$build $boot $system"

# One dpkg-query for the whole list; unknown packages only go to stderr.
# shellcheck disable=SC2086 # word splitting of the package list is intended
installed=" $(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $pkgs 2> /dev/null |
	awk '$2 == "installed" { print $1 }' | tr '\n' ' ') "
missing=""
for p in $pkgs; do
	case $installed in
	*" $p "*) ;;
	*) missing="$missing $p" ;;
	esac
done
# The boot tests take the newest installed kernel (lib.sh); any one will do.
kernel=""
if [ "$what" = all ] && ! ls /boot/vmlinuz-* > /dev/null 2>&1; then
	kernel=linux-image-amd64
fi
# The headers of the kernel the boot tests boot (lib.sh: the newest one), to
# build the test mdev parent (tests/mdev-parent) for it.  Empty: there, or
# no kernel yet (then asked again once it is installed).
headers_for_boot_kernel() {
	[ "$what" = all ] && command -v linux-version > /dev/null || return 0
	kver=$(linux-version list | linux-version sort --reverse | head -n1)
	if [ -n "$kver" ] && [ ! -r "/lib/modules/$kver/build/Module.symvers" ]; then
		echo "linux-headers-$kver"
	fi
}
headers=$(headers_for_boot_kernel)
if [ -z "$missing$kernel$headers" ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing:$missing${kernel:+ $kernel (a kernel for the boot tests)}${headers:+ $headers}; run as root to install them" >&2
	exit 1
fi
echo "deps.sh: installing:$missing${kernel:+ $kernel}${headers:+ $headers}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086 # word splitting of the package list is intended
	apt-get install -y -qq --no-install-recommends $missing
fi
# The test kernel: a real Debian kernel, without building its own initrd (6 s,
# not 21): the tests build their own images.
if [ -n "$kernel" ]; then
	INITRD=No apt-get install -y -qq --no-install-recommends "$kernel"
fi
headers=$(headers_for_boot_kernel)
if [ -n "$headers" ]; then
	apt-get install -y -qq --no-install-recommends "$headers"
fi
echo "deps.sh: done"
