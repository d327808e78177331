#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TEST ONLY, run by the probe once udev has settled (radeon has the card):
# claim --now, the libvirt hook's release and prepare, and unclaim --now, each
# on a real kernel, printing the driver the card ends on.
dev=/sys/bus/pci/devices/0000:00:04.0
drv() { if [ -e "$dev/driver" ]; then basename "$(readlink "$dev/driver")"; else echo none; fi; }
xml='<domain type="kvm"><name>vm</name><devices>
<hostdev mode="subsystem" type="pci" managed="no"><source>
<address domain="0x0000" bus="0x00" slot="0x04" function="0x0"/></source>
<address type="pci" domain="0x0000" bus="0x05" slot="0x00" function="0x0"/></hostdev>
</devices></domain>'

echo # the console line may hold initramfs-tools' "Begin: ..." without its newline
echo "GPUPASS-GUEST before driver=$(drv)"
gpupass claim --now --no-initramfs 0000:00:04.0
echo "GPUPASS-GUEST claim rc=$? driver=$(drv)"
echo "GPUPASS-GUEST dropin $(tail -n 1 /etc/gpupass.d/50-claim-0000:00:04.0.conf)"
printf '%s\n' "$xml" | gpupass hook libvirt vm release end shutdown
echo "GPUPASS-GUEST hook release rc=$? driver=$(drv)"
printf '%s\n' "$xml" | gpupass hook libvirt vm prepare begin -
echo "GPUPASS-GUEST hook prepare rc=$? driver=$(drv)"
gpupass unclaim --now --no-initramfs 0000:00:04.0
rc=$?
[ -e /etc/gpupass.d/50-claim-0000:00:04.0.conf ] && f=kept || f=removed
echo "GPUPASS-GUEST unclaim rc=$rc driver=$(drv) dropin=$f"
