# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TEST ONLY, sourced by lib.sh's boot() beside the guest: once the guest says
# it is ready, plug a secondary-vga card (1234:1111, bochs-drm's) into each
# root port through the QMP monitor, as an admin hot-adds a device.
wait_serial "$HOST_SERIAL" GPUPASS-GUEST-HOTPLUG-READY 200 || exit 1
qmp "$HOST_QMP" \
	'{"execute": "device_add", "arguments": {"driver": "secondary-vga", "bus": "rp1", "id": "hp1"}}' \
	'{"execute": "device_add", "arguments": {"driver": "secondary-vga", "bus": "rp2", "id": "hp2"}}'
