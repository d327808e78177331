#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TEST ONLY, run by the probe once udev has settled: the claimed card and its
# audio function are removed and brought back by a rescan, as a link reset or
# an admin would.  They return without driver_override; bochs-drm and
# snd_hda_intel (loaded) take them at once, and only the rule gpupass wrote
# to /run/udev/rules.d can take them back.
# shellcheck disable=SC1091 # the probe's cpio puts it there (guest/records.sh)
. /gpupass-test/records.sh
for f in 0000:00:04.1 0000:00:04.0; do
	echo 1 > "/sys/bus/pci/devices/$f/remove"
done
echo 1 > /sys/bus/pci/rescan
udevadm settle --timeout=60
records 0000:00:04.0 0000:00:04.1
