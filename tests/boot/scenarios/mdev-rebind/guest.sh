#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TEST ONLY, run by the probe once udev has settled, i.e. once the shipped
# udev rule made the two mdevs.  The parent's driver is unbound (the kernel
# removes its mdevs) and bound again (it registers again): the rule makes
# them again, once.  Then "gpupass mdev remove" removes one on the real kernel.
pci=0000:00:07.0
drv=/sys/bus/pci/drivers/gpupass_mdev_test
small=6b2d1c8f-1d5e-4f1b-8a4f-2e3c4d5e6f01
types=/sys/bus/pci/devices/$pci/mdev_supported_types

mdevs() { # the UUIDs under /sys/bus/mdev/devices, on one line
	out=
	for d in /sys/bus/mdev/devices/*; do
		[ -e "$d" ] && out="$out${out:+ }${d##*/}"
	done
	echo "$out"
}

count() { # PATTERN: how many lines of stdin match the case pattern (no grep in every image)
	n=0
	while IFS= read -r l; do
		# shellcheck disable=SC2254 # the pattern is meant to be one
		case $l in $1) n=$((n + 1)) ;; esac
	done
	echo "$n"
}

echo "GPUPASS-GUEST at boot: $(mdevs)"
echo "$pci" > "$drv/unbind"
udevadm settle --timeout=60 > /dev/null 2>&1
echo "GPUPASS-GUEST after unbind: [$(mdevs)]"
echo "$pci" > "$drv/bind"
udevadm settle --timeout=60 > /dev/null 2>&1
echo "GPUPASS-GUEST after bind: $(mdevs)"
# Every gpupass message about the small one since the boot: one "created"
# per registration, nothing else (no second attempt, no failure).
n=$(dmesg | count "*gpupass: *$small*")
c=$(dmesg | count "*gpupass: mdev $small on $pci (gpupass_mdev_test-small): created")
echo "GPUPASS-GUEST messages about $small: $n, created: $c"
echo "GPUPASS-GUEST available after bind: small $(cat "$types/gpupass_mdev_test-small/available_instances")" \
	"large $(cat "$types/gpupass_mdev_test-large/available_instances")"

gpupass mdev remove "$small" 2>&1 | sed 's/^/GPUPASS-GUEST remove: /'
if [ -e "/sys/bus/mdev/devices/$small" ]; then
	echo "GPUPASS-GUEST after remove: $small still there"
else
	echo "GPUPASS-GUEST after remove: $small gone"
fi
echo "GPUPASS-GUEST available after remove: small $(cat "$types/gpupass_mdev_test-small/available_instances")"

# The coldplug after the switch to the real root ("udevadm trigger
# --action=add"), of a parent registered before: the rule's add branch makes
# the missing one again, and leaves the other alone.
udevadm trigger --action=add "/sys/bus/pci/devices/$pci"
udevadm settle --timeout=60 > /dev/null 2>&1
echo "GPUPASS-GUEST after coldplug: $(mdevs)"
