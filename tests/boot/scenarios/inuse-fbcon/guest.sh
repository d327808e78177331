#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TEST ONLY, run by the probe once udev has settled: "gpupass apply" at run
# time against devices the kernel shows in use.  The boot display has fbcon
# on its fb0 (fbdev emulation on for this scenario); the second card's DRM
# node is held open by this shell, then closed.  Lines go out with pids as N.
say() {
	sed -e 's/pid [0-9]*/pid N/g' -e 's/^/GPUPASS-GUEST /'
}
echo 'claim 0000:00:02.0 allow-boot-vga' > /tmp/fbcon.conf
gpupass --config /tmp/fbcon.conf apply 2>&1 | say
card=$(ls /sys/bus/pci/devices/0000:00:04.0/drm | grep -m1 '^card')
echo 'claim 0000:00:04.0' > /tmp/open.conf
exec 3<> "/dev/dri/$card"
gpupass --config /tmp/open.conf apply 2>&1 | sed "s|/dev/dri/$card|/dev/dri/CARD|g" | say
exec 3>&-
gpupass --config /tmp/open.conf apply 2>&1 | say
