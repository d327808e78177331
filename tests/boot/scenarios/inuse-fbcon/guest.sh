#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TEST ONLY, run by the probe once udev has settled: "gpupass apply" at run
# time against devices the kernel shows in use.  The boot display has fbcon
# on its fb0 (fbdev emulation on for this scenario); the second card's DRM
# node is held open by a sleep.  Lines go out with pids as N.
say() {
	sed -e 's/pid [0-9]*/pid N/g' -e "s|/dev/dri/$card|/dev/dri/CARD|g" -e 's/^/GPUPASS-GUEST /'
}
echo # initramfs-tools may have left "Begin: ... " without its newline
card=none
for c in /sys/bus/pci/devices/0000:00:04.0/drm/card*; do
	card=${c##*/}
done
echo 'claim 0000:00:02.0 allow-boot-vga' > /tmp/fbcon.conf
gpupass --config /tmp/fbcon.conf apply 2>&1 | say
echo 'claim 0000:00:04.0' > /tmp/open.conf
sleep 600 3<> "/dev/dri/$card" &
holder=$!
sleep 1
gpupass --config /tmp/open.conf apply 2>&1 | say
kill "$holder"
wait "$holder" 2> /dev/null
# Closing the last DRM client made the fbdev emulation light card1's output
# again (drm_fb_helper_lastclose): the guard still refuses; --force goes on.
gpupass --config /tmp/open.conf apply --force 2>&1 | say
