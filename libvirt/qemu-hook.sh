#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# gpupass's libvirt qemu hook: install it as /etc/libvirt/hooks/qemu.d/gpupass
# (make install-libvirt-hook) and restart libvirtd.  libvirt runs it as
#   gpupass DOMAIN OPERATION SUB-OPERATION EXTRA
# with the domain XML on stdin (https://libvirt.org/hooks.html).  At
# "prepare begin" the domain's PCI hostdevs that a gpupass rule selects are
# claimed for vfio-pci, at "release end" they go back to their host drivers;
# gpupass(8), "hook", says what it does and why.  Everything else passes.
#
# A failure at prepare exits non-zero, and libvirt then does not start the
# domain: it could not have used the device.  libvirt logs a hook's stderr
# only when it fails, so what gpupass says also goes to syslog (logger).
# stdout stays empty: libvirt reads a qemu.d script's output as the domain XML.

GPUPASS=${GPUPASS:-/usr/sbin/gpupass}

case "$2 $3" in
"prepare begin" | "release end") ;;
*) exit 0 ;;
esac
if [ ! -x "$GPUPASS" ]; then
	echo "gpupass hook: $GPUPASS is not installed; leaving domain $1 alone" >&2
	exit 0
fi

log=$("$GPUPASS" hook libvirt -- "$@" 2>&1 > /dev/null)
rc=$?
if [ -n "$log" ]; then
	printf '%s\n' "$log" >&2
	if command -v logger > /dev/null 2>&1; then
		printf '%s\n' "$log" | logger -t gpupass-hook -p daemon.notice
	fi
fi
exit "$rc"
