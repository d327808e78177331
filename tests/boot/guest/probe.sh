#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# TEST ONLY.  Runs inside the guest once udev has settled (a dracut
# initqueue/settled hook, an initramfs-tools init-premount script), prints
# what the host runner asserts on, then powers the guest off.  It travels in
# the per-scenario cpio as /gpupass-test/probe.sh; POSIX sh and only tools
# every image has (dracut base, busybox).

# Under systemd a hook's stdout goes to the journal: write to the console.
exec > /dev/console 2>&1
# On a line of its own: initramfs-tools' "Begin: Running /scripts/init-premount ... "
# ends with no newline.
echo

# Graphics and sound drivers loaded by udev have had their chance to bind.
udevadm settle --timeout=60 > /dev/null 2>&1

# Keep kernel messages from splitting the lines below on the serial console.
echo 1 > /proc/sys/kernel/printk

# The scenario's own step, if it has one (scenarios/NAME/guest.sh).
if [ -x /gpupass-test/guest.sh ]; then
	/gpupass-test/guest.sh
fi

# The basename of where symlink $1 points, or "none".
link_name()
{
	if [ -e "$1" ]; then
		(cd -P "$1" 2> /dev/null && echo "${PWD##*/}")
	else
		echo none
	fi
}

value()
{
	if [ -r "$1" ]; then
		cat "$1"
	else
		echo -
	fi
}

echo "GPUPASS-TEST-BEGIN"
for d in /sys/bus/pci/devices/*; do
	v=$(value "$d/vendor")
	p=$(value "$d/device")
	c=$(value "$d/class")
	echo "GPUPASS-DEV ${d##*/} id=${v#0x}:${p#0x} class=${c#0x}" \
		"driver=$(link_name "$d/driver")" \
		"override=$(value "$d/driver_override")" \
		"boot_vga=$(value "$d/boot_vga")" \
		"group=$(link_name "$d/iommu_group")"
done

# Mediated devices: the type and the parent each one's sysfs entry names,
# and what every registered parent offers.
for d in /sys/bus/mdev/devices/*; do
	[ -e "$d" ] || continue
	echo "GPUPASS-MDEV ${d##*/} type=$(link_name "$d/mdev_type")" \
		"parent=$(cd -P "$d/.." 2> /dev/null && echo "${PWD##*/}")"
done
for t in /sys/class/mdev_bus/*/mdev_supported_types/*; do
	[ -e "$t" ] || continue
	p=${t%/mdev_supported_types/*}
	echo "GPUPASS-MTYPE ${p##*/} ${t##*/} available=$(value "$t/available_instances")" \
		"device_api=$(value "$t/device_api")"
done

if [ -s /run/gpupass/status.json ]; then
	echo "GPUPASS-STATUS-JSON present"
else
	echo "GPUPASS-STATUS-JSON missing"
fi
# The config the image holds, as the early run fingerprinted it.
echo "GPUPASS-FINGERPRINT $(gpupass fingerprint 2> /dev/null || echo -)"

# What an admin would run after the boot: the host checks it with jq.
if command -v gpupass > /dev/null 2>&1; then
	gpupass status --json 2> /dev/null | sed 's/^/GPUPASS-SJSON /'
fi

# The kernel log lines the scenarios assert on, whatever the console level was.
dmesg | sed -n -E 's/^.*(gpupass|drm|vfio|radeon|snd_hda|pci-stub|DMAR)/GPUPASS-KMSG &/p'

echo "GPUPASS-TEST-END"
echo o > /proc/sysrq-trigger
