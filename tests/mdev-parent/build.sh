#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# TEST ONLY: build gpupass_mdev_test.ko (a mediated-device parent on QEMU's
# pci-testdev, for the QEMU boot tests) against the headers of kernel KVER
# (Debian's linux-headers-KVER, which tests/deps.sh installs), and print the
# path of the module.  The module is cached under tests/.cache/mdev-parent
# (git-ignored) and rebuilt only when this directory or the kernel's headers
# change.  Never installed into /lib/modules: the boot tests copy it into
# their images.
#
# Usage: build.sh KVER
set -eu
kver=${1:?usage: build.sh KVER}
src=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$src/../.." && pwd)
cache=$top/tests/.cache/mdev-parent
kdir=/lib/modules/$kver/build
ko=$cache/$kver/gpupass_mdev_test.ko

if [ ! -r "$kdir/Makefile" ] || [ ! -r "$kdir/Module.symvers" ]; then
	echo "build.sh: no headers for kernel $kver in $kdir: install linux-headers-$kver (tests/deps.sh does)" >&2
	exit 1
fi
# What the module depends on: its sources and the exact kernel it is for.
hash=$( (
	echo "$kver"
	cat "$kdir/include/config/kernel.release" "$kdir/Module.symvers" 2> /dev/null
	cd "$src" && find . -type f -print | LC_ALL=C sort | xargs cat
) | sha256sum | cut -d' ' -f1)
if [ -s "$ko" ] && [ "$(cat "$ko.stamp" 2> /dev/null)" = "$hash" ]; then
	echo "$ko"
	exit 0
fi
work=$cache/$kver/build
rm -rf "$work" "$ko" "$ko.stamp"
mkdir -p "$work"
cp "$src/Kbuild" "$src/gpupass_mdev_test.c" "$work/"
if ! make -C "$kdir" M="$work" modules > "$cache/$kver/build.log" 2>&1; then
	echo "build.sh: building the test mdev parent for $kver failed, see $cache/$kver/build.log" >&2
	exit 1
fi
cp "$work/gpupass_mdev_test.ko" "$ko"
echo "$hash" > "$ko.stamp"
rm -rf "$work"
echo "$ko"
