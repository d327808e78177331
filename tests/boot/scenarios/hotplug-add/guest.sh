#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TEST ONLY, run by the probe once udev has settled: ask the host to hot-add
# two cards (host.sh, through the QEMU monitor), wait for both, let udev
# finish their events.
# shellcheck disable=SC1091 # the probe's cpio puts it there (guest/records.sh)
. /gpupass-test/records.sh
echo GPUPASS-GUEST-HOTPLUG-READY
i=0
while [ $i -lt 240 ]; do
	[ -e /sys/bus/pci/devices/0000:01:00.0 ] && [ -e /sys/bus/pci/devices/0000:02:00.0 ] && break
	sleep 0.5
	i=$((i + 1))
done
udevadm settle --timeout=60
records 0000:01:00.0 0000:02:00.0
