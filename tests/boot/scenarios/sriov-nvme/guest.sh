#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TEST ONLY, run by the probe once udev has settled, i.e. once the nvme driver
# has bound the PF: the later stage, as the installed udev rule
# (udev/90-gpupass.rules) runs it for the PF's bind event on a real system.
gpupass apply --late --early 0000:01:00.0

# status judges the VFs as they are now, not late.json's record.
rule()
{
	gpupass status 2> /dev/null |
		sed -n "s/^rule .*: sriov 0000:01:00.0 vfs=2 (-> vfio-pci): /GPUPASS-GUEST sriov rule $1: /p"
}
# A line of its own: initramfs-tools' "Begin: ..." has no newline yet.
echo
rule now
# release gives VF 01:00.2 back: nvme probes it, and its reset work gives it
# up again ~0.5 s later (the VF has no resources assigned); release must wait
# for the link to settle and say so.  Then status must see the VF unbound.
gpupass release 0000:01:00.2 2>&1 | sed 's/^/GPUPASS-GUEST /'
rule "after release"
