#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TEST ONLY, run by the probe: which vfio module files the image holds, how
# many of them are uncompressed, and which modules are loaded.  Globs only:
# dracut's shell image has no find or sort.
# initramfs-tools' "Begin: Running /scripts/init-premount ... " has no
# newline yet: end that console line first.
echo
d=/lib/modules/$(uname -r)/kernel
n=0
for f in "$d"/drivers/vfio/*.ko* "$d"/drivers/vfio/pci/*.ko* "$d"/virt/lib/irqbypass.ko*; do
	[ -e "$f" ] || continue
	echo "GPUPASS-GUEST file ${f##*/}"
	case $f in
	*.ko) n=$((n + 1)) ;;
	esac
done
echo "GPUPASS-GUEST uncompressed $n"
while read -r name _; do
	case $name in
	vfio* | irqbypass) echo "GPUPASS-GUEST loaded $name" ;;
	esac
done < /proc/modules
